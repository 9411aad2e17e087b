/**
 * Replaces a function property with a wrapper that keeps the original's name,
 * length and own properties (e.g. `fs.realpathSync.native`, `util.promisify.custom`),
 * so code inspecting the function sees what it saw before.
 */
const wrappedRegistry: Array<{ target: object; key: PropertyKey; original: unknown }> = [];

type AnyFn = (...args: any[]) => any;

// Originals stay out of reach: any property on the wrapper, even under a
// symbol, would hand every caller the unchecked function.
const originals = new WeakMap<object, unknown>();
// Which functions are Palisade's wrappers, shared by every copy of this
// package so none wraps another's; membership only, it yields no original.
const WRAPPERS_KEY = Symbol.for('palisade.wrappers');
const wrappers: WeakSet<object> = ((globalThis as Record<symbol, unknown>)[WRAPPERS_KEY] as WeakSet<object> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[WRAPPERS_KEY] = new WeakSet<object>());

export function originalOf<F extends AnyFn>(fn: F): F {
  return (originals.get(fn) as F | undefined) ?? fn;
}

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && wrappers.has(fn);
}

/**
 * Wraps `target[key]` in place. `make` receives the original and returns the
 * replacement. A property already wrapped by Palisade is left alone (installing
 * twice must not check twice). Returns the original, or undefined when absent.
 */
export function wrap<F extends AnyFn>(target: object, key: PropertyKey, make: (original: F) => F): F | undefined {
  const holder = target as Record<PropertyKey, unknown>;
  const original = holder[key];
  if (typeof original !== 'function' || isWrapped(original)) return undefined;
  const wrapper = make(original as F);
  copyFunctionShape(original as F, wrapper);
  originals.set(wrapper, original);
  wrappers.add(wrapper);
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (desc && 'value' in desc && desc.configurable) Object.defineProperty(target, key, { ...desc, value: wrapper });
  else if (desc && !desc.writable && !desc.set) return undefined; // frozen: cannot wrap
  else holder[key] = wrapper;
  wrappedRegistry.push({ target, key, original });
  return original as F;
}

function copyFunctionShape(from: AnyFn, to: AnyFn): void {
  for (const k of Reflect.ownKeys(from)) {
    if (k === 'length' || k === 'name' || k === 'prototype' || k === 'arguments' || k === 'caller') continue;
    // A property the wrapper defines itself (e.g. its own util.promisify.custom) wins.
    if (Object.prototype.hasOwnProperty.call(to, k)) continue;
    const d = Object.getOwnPropertyDescriptor(from, k);
    if (d) Object.defineProperty(to, k, d);
  }
  Object.defineProperty(to, 'name', { value: from.name, configurable: true });
  Object.defineProperty(to, 'length', { value: from.length, configurable: true });
  // Constructors called with `new` keep their prototype chain.
  if (from.prototype !== undefined && to.prototype !== from.prototype) {
    try {
      Object.defineProperty(to, 'prototype', { value: from.prototype, writable: true });
    } catch {
      // non-configurable prototype: leave it
    }
  }
}

/** Puts every original back (tests only: production processes never unwrap). */
export function unwrapAll(): void {
  for (const { target, key, original } of wrappedRegistry.splice(0).reverse()) {
    (target as Record<PropertyKey, unknown>)[key] = original;
  }
}
