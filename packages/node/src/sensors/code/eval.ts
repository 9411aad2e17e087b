import { activeRuntime, deniedError } from '@palisade/core';
import { insideSensor } from '../../reentry.js';
import { guardSource, sourceDetail } from './common.js';
import { functionForCaller } from './function-referrer.js';
import { codeUnseen } from '../../reach.js';

/**
 * `eval` and the Function constructors → `code.eval`.
 *
 * Function, AsyncFunction, GeneratorFunction, AsyncGeneratorFunction: each is
 * replaced by a Proxy of itself (on `globalThis.Function` and on every
 * `<Kind>.prototype.constructor`, which is how `(async () => {}).constructor`
 * and `this.constructor.constructor` reach them). A Proxy keeps identity
 * checks, `instanceof`, `extends`, statics and a native-looking toString.
 * Targets: `Function`, `AsyncFunction`, `GeneratorFunction`, `AsyncGeneratorFunction`.
 *
 * eval: a function standing in for `eval` would turn every direct `eval(…)`
 * into an indirect one (no access to local variables: `eval('require')`
 * breaks). Instead `globalThis.eval` becomes an accessor: reading it is the
 * decision. Allowed, it returns the real eval, so direct eval keeps its
 * semantics; denied, it returns a function that refuses strings. Target `eval`.
 * Allowed direct evals are not shown to the code inspector (their source is
 * not visible from JavaScript).
 */
type AnyFn = (...args: any[]) => any;

const GUARDS_KEY = Symbol.for('palisade.code.guards');
// Proxies Palisade made, shared by every copy of this package so none proxies a proxy.
const guards: WeakSet<object> = ((globalThis as Record<symbol, unknown>)[GUARDS_KEY] as WeakSet<object> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[GUARDS_KEY] = new WeakSet<object>());

/** Strings the way V8 turns Function arguments into strings (a Symbol throws the same TypeError); done once, so a toString cannot change between check and compile. */
function pinArgs(args: readonly unknown[]): string[] {
  return args.map((a) => `${a}`);
}

/** The text V8 compiles for `new Function(...params, body)`. */
function functionSource(kind: string, strings: readonly string[]): string {
  const params = strings.slice(0, -1).join(',');
  const body = strings.length > 0 ? strings[strings.length - 1] : '';
  const keyword = kind === 'AsyncFunction' ? 'async function' : kind === 'GeneratorFunction' ? 'function*' : kind === 'AsyncGeneratorFunction' ? 'async function*' : 'function';
  return `(${keyword} anonymous(${params}\n) {\n${body}\n})`;
}

/** Proxies by the constructor they stand for: AsyncFunction and the generator kinds inherit from Function. */
const proxyFor = new Map<unknown, AnyFn>();

function guardConstructor(original: AnyFn, kind: string): AnyFn {
  const check = (args: unknown[]): string[] => {
    const strings = pinArgs(args);
    if (!insideSensor() && activeRuntime()) guardSource('code.eval', kind, kind, functionSource(kind, strings));
    return strings;
  };
  // V8 builds (and validates) the function; code with an import is then made again so it resolves against the app's file.
  const build = (target: AnyFn, strings: string[], newTarget: AnyFn): object => {
    const made = Reflect.construct(target, strings, newTarget) as object;
    if (newTarget !== target) return made; // a subclass of Function: V8's object, as asked
    return functionForCaller(strings, () => functionSource(kind, strings)) ?? made;
  };
  const proxy: AnyFn = new Proxy(original, {
    apply: (target, _this, args: unknown[]): unknown => build(target, check(args), target),
    construct: (target, args: unknown[], newTarget: AnyFn): object => build(target, check(args), newTarget === proxy ? target : newTarget),
    // Object.getPrototypeOf(AsyncFunction) is Function itself: hand out the guarded one.
    getPrototypeOf: (target): object | null => {
      const proto = Reflect.getPrototypeOf(target);
      return proxyFor.get(proto) ?? proto;
    },
  });
  proxyFor.set(original, proxy);
  guards.add(proxy);
  return proxy;
}

function replace(holder: object, key: string, value: unknown): void {
  const desc = Object.getOwnPropertyDescriptor(holder, key);
  if (!desc || !desc.configurable) return;
  Object.defineProperty(holder, key, { ...desc, value });
}

function installFunctionConstructors(): void {
  const kinds: Array<[string, AnyFn]> = [
    ['Function', Function],
    ['AsyncFunction', Object.getPrototypeOf(async function () {}).constructor as AnyFn],
    ['GeneratorFunction', Object.getPrototypeOf(function* () {}).constructor as AnyFn],
    ['AsyncGeneratorFunction', Object.getPrototypeOf(async function* () {}).constructor as AnyFn],
  ];
  for (const [kind, original] of kinds) {
    if (guards.has(original)) continue;
    const proxy = guardConstructor(original, kind);
    replace(original.prototype as object, 'constructor', proxy);
    if (kind === 'Function') replace(globalThis, 'Function', proxy);
  }
}

function installEvalAccessor(): void {
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'eval');
  if (!desc || !('value' in desc) || typeof desc.value !== 'function' || !desc.configurable || guards.has(desc.value as object)) return;
  const realEval = desc.value as AnyFn;
  // Stands in for eval while the policy denies it: strings are refused, anything else is returned as eval returns it.
  const deniedEval = function evalDenied(x: unknown): unknown {
    if (typeof x !== 'string') return x;
    const rt = activeRuntime();
    if (!rt) return realEval(x);
    const v = rt.decide('code.eval', 'eval', 'eval', sourceDetail(x));
    if (v.action === 'deny') throw deniedError(v);
    return realEval(x); // allowed by now (policy changed): runs as an indirect eval
  };
  Object.defineProperty(deniedEval, 'name', { value: 'eval' });
  guards.add(realEval);
  guards.add(deniedEval);
  Object.defineProperty(globalThis, 'eval', {
    configurable: true,
    enumerable: desc.enumerable ?? false,
    get(): unknown {
      const rt = activeRuntime();
      if (!rt || insideSensor()) return realEval;
      const v = rt.check('code.eval', 'eval');
      if (v.action === 'deny') return deniedEval;
      rt.settle(v, 'eval');
      codeUnseen(); // what the real eval runs is not visible here
      return realEval;
    },
    // Assigning eval works as it did: the property becomes that plain value.
    set(value: unknown): void {
      Object.defineProperty(globalThis, 'eval', { value, writable: true, configurable: true, enumerable: desc.enumerable ?? false });
    },
  });
}

export function installEvalSensor(): void {
  installFunctionConstructors();
  installEvalAccessor();
}
