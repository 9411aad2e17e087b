import { createHash } from 'node:crypto';
import vm from 'node:vm';
import t from 'tap';
import { label, run } from '@palisade/core';
import { installCodeSensors } from '../src/sensors/code/index.js';
import { setCodeInspector, type CodeSource } from '../src/sensors/code/common.js';
import { assertDenied, recorded, thrown, usePolicy } from './helpers/code.js';

installCodeSensors();

const DENY_EVAL = { allow: { 'code.eval': false } };
type AnyCtor = new (...a: any[]) => any;

t.test('every vm entry point is denied by code.eval: false, and nothing runs', async (t) => {
  usePolicy(t, DENY_EVAL);
  const g = globalThis as { vmRan?: number };
  delete g.vmRan;
  const code = 'globalThis.vmRan = 1';
  assertDenied(t, () => new vm.Script(code), 'code.eval', 'vm.Script');
  assertDenied(t, () => (vm as unknown as { createScript(c: string): unknown }).createScript(code), 'code.eval', 'vm.Script');
  assertDenied(t, () => vm.runInThisContext(code), 'code.eval', 'vm.runInThisContext');
  assertDenied(t, () => vm.runInNewContext(code), 'code.eval', 'vm.runInNewContext');
  assertDenied(t, () => vm.runInContext(code, vm.createContext({})), 'code.eval', 'vm.runInContext');
  assertDenied(t, () => vm.compileFunction(code), 'code.eval', 'vm.compileFunction');
  t.equal(g.vmRan, undefined, 'no code ran');
});

t.test('the native class under vm.Script and prototype.constructor routes are guarded too', async (t) => {
  usePolicy(t, DENY_EVAL);
  const g = globalThis as { nativeRan?: number };
  const args = ['globalThis.nativeRan = 1', 'x.js', 0, 0, undefined, false, undefined, Symbol('x')];
  const Native = Object.getPrototypeOf(vm.Script) as AnyCtor;
  assertDenied(t, () => new Native(...args), 'code.eval', 'vm.Script', 'Object.getPrototypeOf(vm.Script)');
  const viaProto = Object.getPrototypeOf(vm.Script.prototype).constructor as AnyCtor;
  assertDenied(t, () => new viaProto(...args), 'code.eval', 'vm.Script', 'Object.getPrototypeOf(vm.Script.prototype).constructor');
  t.equal(vm.Script.prototype.constructor, vm.Script, 'instances lead back to the guarded class');
  t.equal(g.nativeRan, undefined);
});

t.test('allowed: vm behaves as without Palisade (subclassing, instanceof, results, Node errors)', async (t) => {
  usePolicy(t, {});
  const s = new vm.Script('6 * 7');
  t.ok(s instanceof vm.Script);
  t.equal(s.runInThisContext(), 42);
  t.equal(s.runInNewContext({}), 42);
  class Mine extends vm.Script {
    twice(): number {
      return (this.runInThisContext() as number) * 2;
    }
  }
  const m = new Mine('21');
  t.ok(m instanceof Mine && m instanceof vm.Script, 'subclass instances');
  t.equal(m.twice(), 42);
  t.equal(vm.runInNewContext('a + b', { a: 40, b: 2 }), 42);
  t.equal(vm.runInContext('x', vm.createContext({ x: 42 })), 42);
  t.equal(vm.compileFunction('return a * 2', ['a'])(21), 42);
  t.equal(vm.Script.name, 'Script');
  t.equal(vm.Script.length, 1);
  // Node's own errors, unchanged.
  t.match(thrown(t, () => (vm.Script as unknown as (c: string) => unknown)('1')), { name: 'TypeError' }, 'call without new');
  t.match(thrown(t, () => new vm.Script('1', 5 as never)), { code: 'ERR_INVALID_ARG_TYPE' });
  t.match(thrown(t, () => vm.compileFunction(5 as never)), { code: 'ERR_INVALID_ARG_TYPE' });
  t.match(thrown(t, () => new vm.Script('(')), { name: 'SyntaxError' });
  t.match(thrown(t, () => vm.runInContext('1', {} as never)), { code: 'ERR_INVALID_ARG_TYPE' });
});

t.test('the checked source is the source compiled (toString runs once)', async (t) => {
  usePolicy(t, {});
  const seen: CodeSource[] = [];
  setCodeInspector((c) => void seen.push(c));
  t.teardown(() => setCodeInspector(undefined));
  let calls = 0;
  const shifty = { toString: () => (calls++ === 0 ? '1 + 1' : 'globalThis.shifty = 1') };
  t.equal(new vm.Script(shifty as never).runInThisContext(), 2);
  t.equal(calls, 1);
  t.equal((globalThis as { shifty?: number }).shifty, undefined);
  t.equal(seen[0]?.source, '1 + 1');
  t.equal(seen[0]?.target, 'vm.Script');
});

t.test('the code inspector sees the source and can block it; decisions carry only its length and hash', async (t) => {
  usePolicy(t, { mode: 'monitor', allow: { 'code.eval': false } });
  const records = recorded(t);
  setCodeInspector((c) => (c.source.includes('child_process') ? new Error('dangerous code') : undefined));
  t.teardown(() => setCodeInspector(undefined));
  t.equal(vm.runInNewContext('1 + 2'), 3, 'monitor: proceeds');
  t.match(thrown(t, () => vm.runInNewContext('require("child_process")')), { message: 'dangerous code' });
  const rec = records[0]!;
  t.match(rec, { action: 'alert', capability: 'code.eval', target: 'vm.runInNewContext', api: 'vm.runInNewContext' });
  t.same(Object.keys(rec.detail ?? {}).sort(), ['palisade.code.length', 'palisade.code.sha256']);
  t.equal(rec.detail?.['palisade.code.length'], 5);
  t.equal(rec.detail?.['palisade.code.sha256'], createHash('sha256').update('1 + 2').digest('hex'));
  t.notOk(JSON.stringify(rec).includes('1 + 2'), 'the source text is not recorded');
});

t.test('cachedData is flagged: V8 may run its bytecode instead of the source shown', async (t) => {
  usePolicy(t, {});
  const seen: CodeSource[] = [];
  setCodeInspector((c) => void seen.push(c));
  t.teardown(() => setCodeInspector(undefined));
  const cachedData = new vm.Script('1').createCachedData();
  new vm.Script('2', { cachedData });
  t.equal(seen[1]?.cachedData, true);
  t.equal(seen[0]?.cachedData, undefined);
});

t.test('targets are per API: a policy can allow vm.Script and deny runInNewContext', async (t) => {
  usePolicy(t, { deny: { 'code.eval': ['vm.runIn*'] } });
  t.equal(new vm.Script('1').runInThisContext(), 1);
  assertDenied(t, () => vm.runInThisContext('1'), 'code.eval', 'vm.runInThisContext');
});

t.test('scopes: a flow on untrusted data denies vm inside the run only', async (t) => {
  usePolicy(t, { flows: [{ when: ['untrusted'], deny: ['code.eval'] }] });
  t.equal(vm.runInNewContext('1'), 1);
  run({ agent: 'a' }, () => {
    label('untrusted');
    assertDenied(t, () => vm.runInNewContext('1'), 'code.eval', 'vm.runInNewContext');
  });
  t.equal(vm.runInNewContext('1'), 1);
});

t.test('vm contexts are not a boundary: an escape reaches this realm’s Function, which is checked', async (t) => {
  usePolicy(t, { deny: { 'code.eval': ['Function'] } });
  assertDenied(t, () => vm.runInNewContext(`this.constructor.constructor('return process')()`), 'code.eval', 'Function');
  // The context's own Function only reaches the context.
  t.equal(vm.runInNewContext(`(() => 0).constructor('return typeof process')()`), 'undefined');
});
