import t from 'tap';
import { installCodeSensors } from '../src/sensors/code/index.js';
import { setCodeInspector, type CodeSource } from '../src/sensors/code/common.js';
import { assertDenied, recorded, thrown, usePolicy } from './helpers/code.js';

// Captured before install: what the app would have seen without Palisade.
const OriginalFunction = Function;
const originalFunctionString = Function.prototype.toString.call(Function);
installCodeSensors();

type AnyFn = (...a: any[]) => any;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...a: string[]) => AnyFn;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as new (...a: string[]) => AnyFn;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as new (...a: string[]) => AnyFn;
const indirectEval = (s: string): unknown => (0, eval)(s);

t.test('the Function constructors are denied by code.eval, however they are reached', async (t) => {
  usePolicy(t, { allow: { 'code.eval': false } });
  const g = globalThis as { fnRan?: number };
  const body = 'globalThis.fnRan = 1';
  assertDenied(t, () => Function(body), 'code.eval', 'Function');
  assertDenied(t, () => new Function(body), 'code.eval', 'Function');
  assertDenied(t, () => (() => 0).constructor(body), 'code.eval', 'Function', 'via a function’s constructor');
  assertDenied(t, () => Reflect.construct(Function, [body]), 'code.eval', 'Function');
  assertDenied(t, () => Function.prototype.constructor.call(null, body), 'code.eval', 'Function');
  assertDenied(t, () => new AsyncFunction(body), 'code.eval', 'AsyncFunction');
  assertDenied(t, () => new GeneratorFunction(body), 'code.eval', 'GeneratorFunction');
  assertDenied(t, () => new AsyncGeneratorFunction(body), 'code.eval', 'AsyncGeneratorFunction');
  assertDenied(t, () => (async () => 0).constructor(body), 'code.eval', 'AsyncFunction');
  const viaProto = Object.getPrototypeOf(AsyncFunction) as (s: string) => AnyFn;
  assertDenied(t, () => viaProto(body), 'code.eval', 'Function', 'Object.getPrototypeOf(AsyncFunction) is the guarded Function');
  t.equal(viaProto, Function);
  t.equal(Object.getPrototypeOf(GeneratorFunction), Function);
  t.equal(Object.getPrototypeOf(AsyncGeneratorFunction), Function);
  t.equal(g.fnRan, undefined, 'no code ran');
});

t.test('allowed: the Function constructors behave as without Palisade', async (t) => {
  usePolicy(t, {});
  t.equal(Function('a', 'b', 'return a + b')(40, 2), 42);
  t.equal(new Function('return this')(), globalThis, 'global scope, sloppy mode');
  t.equal((function () {}).constructor, Function, 'identity');
  t.ok((() => 0) instanceof Function);
  t.equal(Function.prototype, OriginalFunction.prototype);
  t.equal(Function.name, 'Function');
  t.equal(Function.length, 1);
  t.match(Function.prototype.toString.call(Function), /\[native code\]/);
  t.match(originalFunctionString, /\[native code\]/);
  class Callable extends Function {
    constructor() {
      super('return 42');
    }
    hi(): string {
      return 'hi';
    }
  }
  const c = new Callable() as Callable & (() => number);
  t.equal(c(), 42);
  t.equal(c.hi(), 'hi');
  t.ok(c instanceof Callable && c instanceof Function);
  t.equal(await new AsyncFunction('return 1')(), 1);
  t.same([...new GeneratorFunction('yield 1; yield 2')()], [1, 2]);
  t.match(thrown(t, () => Function('(')), { name: 'SyntaxError' });
  t.match(thrown(t, () => Function(Symbol('x') as never)), { name: 'TypeError' }, 'a Symbol argument throws as in V8');
});

t.test('arguments are turned into strings once: the source checked is the source compiled', async (t) => {
  usePolicy(t, {});
  const seen: CodeSource[] = [];
  setCodeInspector((c) => void seen.push(c));
  t.teardown(() => setCodeInspector(undefined));
  let n = 0;
  const body = { toString: () => (n++ === 0 ? 'return 1' : 'return globalThis.sneaky = 2') };
  t.equal(Function(body as never)(), 1);
  t.equal(n, 1);
  t.equal(seen[0]?.source, '(function anonymous(\n) {\nreturn 1\n})');
  t.equal(seen[0]?.target, 'Function');
});

t.test('direct eval keeps its semantics when allowed (local scope), and is denied when not', async (t) => {
  usePolicy(t, {});
  const local = 41;
  t.equal(eval('local + 1'), 42, 'direct eval sees the local scope');
  t.equal(indirectEval('typeof local'), 'undefined', 'indirect eval does not');
  t.equal(typeof eval, 'function');
  t.equal(eval(5 as never), 5);
  usePolicy(t, { allow: { 'code.eval': false } });
  const records = recorded(t);
  assertDenied(t, () => eval('local'), 'code.eval', 'eval', 'direct');
  assertDenied(t, () => indirectEval('1'), 'code.eval', 'eval', 'indirect');
  assertDenied(t, () => globalThis.eval('1'), 'code.eval', 'eval');
  t.equal(typeof eval, 'function', 'reading eval is not a call');
  t.equal(eval(7 as never), 7, 'non-strings are returned, as eval does (no code)');
  t.equal(records.length, 3, 'one decision per refused call');
  t.equal(records[0]?.detail?.['palisade.code.length'], 5);
});

t.test('monitor: eval runs with direct semantics and an alert is recorded', async (t) => {
  usePolicy(t, { mode: 'monitor', allow: { 'code.eval': false } });
  const records = recorded(t);
  const local = 1;
  t.equal(eval('local + 1'), 2);
  t.equal(Function('return 3')(), 3);
  t.match(records, [
    { action: 'alert', capability: 'code.eval', target: 'eval' },
    { action: 'alert', capability: 'code.eval', target: 'Function' },
  ]);
});

t.test('assigning eval replaces it, as without Palisade', async (t) => {
  usePolicy(t, {});
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'eval')!;
  t.teardown(() => Object.defineProperty(globalThis, 'eval', desc));
  const mine = (s: string): string => `mine:${s}`;
  (globalThis as { eval: unknown }).eval = mine;
  t.equal(globalThis.eval, mine);
  t.equal(eval('x'), 'mine:x');
});
