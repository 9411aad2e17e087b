import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { installCodeSensors } from '../src/sensors/code/index.js';
import { assertDenied, recorded, thrown, usePolicy } from './helpers/code.js';

installCodeSensors();

const DENY_NATIVE = { allow: { 'code.native': false } };
const bindingOf = (name: string): unknown => (process as unknown as { binding(n: string): unknown }).binding(name);
const linkedBinding = (name: string): unknown => (process as unknown as { _linkedBinding(n: string): unknown })._linkedBinding(name);

function addonDir(t: Test): { real: string; link: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-native-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const real = join(dir, 'real.node');
  writeFileSync(real, 'not an addon');
  const link = join(dir, 'innocent.node');
  symlinkSync(real, link);
  return { real, link };
}

t.test('native addons: process.dlopen and require(.node) are checked against the real path', async (t) => {
  usePolicy(t, DENY_NATIVE);
  const { real, link } = addonDir(t);
  assertDenied(t, () => process.dlopen({ exports: {} }, link), 'code.native', real);
  assertDenied(t, () => createRequire(import.meta.url)(link), 'code.native', real, 'require goes through process.dlopen');
  assertDenied(t, () => process.dlopen({ exports: {} }, 'libpalisade-test.so'), 'code.native', 'libpalisade-test.so', 'a bare name stays as given');
});

t.test('allowed: dlopen fails with Node’s own error', async (t) => {
  usePolicy(t, {});
  const { link } = addonDir(t);
  t.match(thrown(t, () => process.dlopen({ exports: {} }, link)), { code: 'ERR_DLOPEN_FAILED' });
  t.match(thrown(t, () => (process.dlopen as unknown as (m: unknown) => void)({ exports: {} })), { code: 'ERR_MISSING_ARGS' });
});

t.test('internal bindings: binding:<name>', async (t) => {
  usePolicy(t, { deny: { 'code.native': ['binding:fs', 'binding:spawn_sync'] } });
  assertDenied(t, () => bindingOf('fs'), 'code.native', 'binding:fs');
  assertDenied(t, () => bindingOf('spawn_sync'), 'code.native', 'binding:spawn_sync');
  assertDenied(t, () => bindingOf({ toString: () => 'fs' } as never), 'code.native', 'binding:fs', 'names are strings, as Node makes them');
  t.type(bindingOf('constants'), 'object', 'others allowed');
  t.match(thrown(t, () => bindingOf('no_such_binding')), { message: /No such module/ }, 'Node’s own error');
  usePolicy(t, DENY_NATIVE);
  assertDenied(t, () => linkedBinding('x'), 'code.native', 'binding:x');
  usePolicy(t, {});
  t.match(thrown(t, () => linkedBinding('x')), { message: /No such binding/ });
});

t.test('the inspector: sessions and open are code.native "inspector"', async (t) => {
  usePolicy(t, DENY_NATIVE);
  const records = recorded(t);
  assertDenied(t, () => new inspector.Session().connect(), 'code.native', 'inspector');
  const { Session: PromiseSession } = await import('node:inspector/promises');
  assertDenied(t, () => new PromiseSession().connect(), 'code.native', 'inspector', 'inspector/promises');
  assertDenied(t, () => inspector.open(0), 'code.native', 'inspector');
  t.equal(inspector.url(), undefined, 'not opened');
  t.match(records[0], { api: 'inspector.Session.connect' });
  usePolicy(t, {});
  const s = new inspector.Session();
  s.connect();
  const result = await new Promise<unknown>((res, rej) => s.post('Runtime.evaluate', { expression: '6 * 7' }, (e, r) => (e ? rej(e) : res(r))));
  t.match(result, { result: { value: 42 } }, 'allowed sessions work');
  s.disconnect();
});

t.test('SIGUSR1 to this process (opens the inspector) is code.native "inspector"; other kills are untouched', async (t) => {
  usePolicy(t, DENY_NATIVE);
  assertDenied(t, () => process.kill(process.pid, 'SIGUSR1'), 'code.native', 'inspector');
  assertDenied(t, () => process.kill(0, 'SIGUSR1'), 'code.native', 'inspector', 'the process group');
  assertDenied(t, () => (process as unknown as { _debugProcess(p: number): void })._debugProcess(process.pid), 'code.native', 'inspector');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(inspector.url(), undefined, 'the inspector did not open');
  t.equal(process.kill(process.pid, 0), true, 'signal 0 still works');
  t.match(thrown(t, () => process.kill(process.pid, 'SIGNOPE' as never)), { code: 'ERR_UNKNOWN_SIGNAL' });
});

t.test('monitor: proceeds and records an alert', async (t) => {
  usePolicy(t, { mode: 'monitor', allow: { 'code.native': false } });
  const records = recorded(t);
  t.type(bindingOf('constants'), 'object');
  t.match(records, [{ action: 'alert', capability: 'code.native', target: 'binding:constants', api: 'process.binding' }]);
});

t.test('kill arguments are converted once: a valueOf or toString cannot change the target after the check', async (t) => {
  usePolicy(t, DENY_NATIVE);
  let n = 0;
  const pid = { valueOf: () => (n++ === 0 ? process.pid : 999999999) };
  assertDenied(t, () => process.kill(pid as never, 'SIGUSR1'), 'code.native', 'inspector');
  let m = 0;
  const sig = { toString: () => (m++ === 0 ? 'SIGUSR1' : 'SIGUSR2') };
  assertDenied(t, () => process.kill(process.pid, sig as never), 'code.native', 'inspector');
  let k = 0;
  const sneaky = { toString: () => (k++ === 0 ? 'SIGWINCH' : 'SIGUSR1') };
  t.equal(process.kill(process.pid, sneaky as never), true, 'judged and sent as SIGWINCH');
  t.equal(k, 1);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(inspector.url(), undefined);
});
