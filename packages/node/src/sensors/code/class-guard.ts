/**
 * A stand-in for a class (vm.Script, Worker, …) that checks each construction.
 * `new`, `extends`, `instanceof`, statics and Node's own errors behave as with
 * the original: the stand-in shares the original's prototype object, and the
 * prototype's `constructor` is pointed at the stand-in, so `new
 * instance.constructor(…)` cannot reach the unchecked original.
 */
type AnyFn = (...args: any[]) => any;

export interface ClassGuard {
  /** Runs before construction; returns the arguments to construct with (it may pin values it checked). Throws to refuse. */
  readonly before: (args: unknown[]) => unknown[];
  /** Runs on each new instance (to guard internal handles reachable from it). */
  readonly after?: (instance: object) => void;
  /** [[Prototype]] of the stand-in (statics inherited through it); defaults to the original's. */
  readonly parent?: object;
  /** Constructs in place of `Reflect.construct(original, args, newTarget)` (to retry, say). */
  readonly construct?: (original: AnyFn, args: unknown[], newTarget: AnyFn) => object;
}

export function guardClass<F extends AnyFn>(original: F, guard: ClassGuard): F {
  const stand = function (this: unknown, ...args: unknown[]): unknown {
    // Without `new`, the original throws Node's own TypeError.
    if (new.target === undefined) return Reflect.apply(original, this, args);
    // `new Stand()` must look like `new Original()` to the original (vm.Module refuses that).
    const newTarget = (new.target === stand ? original : new.target) as AnyFn;
    const checked = guard.before(args);
    const instance = guard.construct ? guard.construct(original, checked, newTarget) : (Reflect.construct(original, checked, newTarget) as object);
    guard.after?.(instance);
    return instance;
  };
  const protoDesc = Object.getOwnPropertyDescriptor(original, 'prototype');
  Object.defineProperty(stand, 'prototype', { value: original.prototype, writable: protoDesc?.writable ?? false });
  Object.defineProperty(stand, 'name', { value: original.name, configurable: true });
  Object.defineProperty(stand, 'length', { value: original.length, configurable: true });
  Object.setPrototypeOf(stand, guard.parent ?? Object.getPrototypeOf(original));
  const ctorDesc = Object.getOwnPropertyDescriptor(original.prototype, 'constructor');
  if (ctorDesc?.configurable) Object.defineProperty(original.prototype, 'constructor', { ...ctorDesc, value: stand });
  else if (ctorDesc?.writable) (original.prototype as { constructor: unknown }).constructor = stand;
  return stand as unknown as F;
}

/** The first symbol-keyed own value of `instance` that `test` accepts (Node keeps native handles under private symbols). */
export function symbolValue(instance: object, test: (v: object) => boolean): object | undefined {
  for (const key of Object.getOwnPropertySymbols(instance)) {
    let v: unknown;
    try {
      v = (instance as Record<symbol, unknown>)[key];
    } catch {
      continue;
    }
    if (v !== null && typeof v === 'object' && test(v)) return v;
  }
  return undefined;
}

/** Guards the class an internal handle was made by, once, by replacing its prototype's `constructor`. */
const guardedHandles = new WeakSet<object>();
export function guardHandleClass(handle: object, before: (args: unknown[]) => unknown[]): void {
  const ctor = (handle as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function' || guardedHandles.has(ctor)) return;
  guardedHandles.add(ctor);
  const stand = guardClass(ctor as AnyFn, { before });
  guardedHandles.add(stand);
}
