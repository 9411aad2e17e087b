/**
 * Sensors installed when the app can first reach their module (reach.ts): each
 * trigger, in this process, with real requires and a real socket. The builtins
 * used here stand in for https and http2, which the network helper has already
 * loaded and wrapped.
 */
import { createRequire } from 'node:module';
import Module from 'node:module';
import net from 'node:net';
import t from 'tap';
import { on } from '@palisade/core';
import { codeMayImport, codeUnseen, deferredBuiltins, installWhenReachable } from '../src/reach.js';
import { originalOf } from '../src/wrap.js';
import { tcpServer, usePolicy } from './helpers/network.js';

const requireHere = createRequire(import.meta.url);
const loadList = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
const isLoaded = (id: string) => loadList().includes(`NativeModule ${id}`);
// Builtins this test process has not loaded yet, one per case (tap itself loads some); none warns when loaded.
const spare = [
  'trace_events', 'cluster', 'repl', 'readline', 'v8', 'tty', 'string_decoder', 'querystring', 'stream/web',
  'timers/promises', 'stream/consumers', 'stream/promises', 'path/win32', 'util/types', 'assert/strict', 'constants',
].filter((id) => !isLoaded(id));
const [onRequire, onGetBuiltin, onImport, onUnseen, onCompile, onConnection, onFailure] = spare;
const none = (...ids: Array<string | undefined>) => ids.some((id) => id === undefined) && 'no spare builtin left';

function deferred(id: string): { calls: number; loadedAtInstall: boolean[] } {
  const seen = { calls: 0, loadedAtInstall: [] as boolean[] };
  installWhenReachable(
    [
      [
        id,
        () => {
          seen.calls++;
          seen.loadedAtInstall.push(isLoaded(id));
        },
      ],
    ],
    true,
  );
  return seen;
}

t.test('a part waits until its module is required, then installs before the require returns', { skip: none(onRequire) }, async (t) => {
  const id = onRequire!;
  const seen = deferred(id);
  t.equal(seen.calls, 0, 'not installed at start');
  t.ok(deferredBuiltins().includes(id));
  requireHere(`node:${id}`);
  t.same(seen, { calls: 1, loadedAtInstall: [false] }, 'installed by the require, before Node loaded the module');
  requireHere(id);
  t.equal(seen.calls, 1, 'once');
  t.notOk(deferredBuiltins().includes(id));
});

t.test('without `defer`, or when the module is already loaded, a part installs at once', async (t) => {
  const now = { calls: 0 };
  installWhenReachable([['net', () => now.calls++]], true);
  t.equal(now.calls, 1, 'net is loaded: installed now');
  installWhenReachable([['not-a-builtin-loaded', () => now.calls++]], false);
  t.equal(now.calls, 2, 'defer off: installed now');
});

t.test('process.getBuiltinModule is a trigger too', { skip: none(onGetBuiltin) || (typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule !== 'function' && 'needs getBuiltinModule') }, async (t) => {
  const id = onGetBuiltin!;
  const seen = deferred(id);
  (process as unknown as { getBuiltinModule: (id: string) => unknown }).getBuiltinModule(`node:${id}`);
  t.equal(seen.calls, 1);
});

t.test('code that shows `import`, or code Palisade cannot see, installs every deferred part', { skip: none(onImport, onUnseen) }, async (t) => {
  const a = deferred(onImport!);
  codeMayImport('module.exports = 1');
  t.equal(a.calls, 0, 'no import: still deferred');
  codeMayImport("exports.load = () => import(name)");
  t.equal(a.calls, 1, 'a dynamic import: installed');
  const b = deferred(onUnseen!);
  codeUnseen();
  t.equal(b.calls, 1, 'unseen code: installed');
});

t.test('CommonJS compiled with `import` in it is a trigger', { skip: none(onCompile) }, async (t) => {
  const seen = deferred(onCompile!);
  const m = new Module('reach-fixture.cjs');
  (m as unknown as { _compile(c: string, f: string): void })._compile("exports.later = () => import('./x.mjs');", 'reach-fixture.cjs');
  t.equal(seen.calls, 1);
});

t.test('last resort: a module loaded unseen is wrapped at the next outgoing connection', { skip: none(onConnection) }, async (t) => {
  usePolicy(t, { allow: { 'net.connect': ['127.0.0.1:*'] } });
  const server = await tcpServer(t);
  const id = onConnection!;
  const seen = deferred(id);
  // Past every trigger: Node's own loader, unwrapped.
  const load = originalOf((Module as unknown as { _load: (...a: unknown[]) => unknown })._load);
  load.call(Module, id, null, false);
  t.ok(isLoaded(id));
  t.equal(seen.calls, 0, 'not seen yet');
  const s = net.connect(server.port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.destroy();
  t.same(seen, { calls: 1, loadedAtInstall: [true] }, 'wrapped at the connection');
});

t.test('a part that fails to install is reported, and the require still works', { skip: none(onFailure) }, async (t) => {
  usePolicy(t, {});
  const errors: string[] = [];
  t.teardown(on('internal-error', (_e, c) => errors.push(c.source)));
  const id = onFailure!;
  installWhenReachable(
    [
      [
        id,
        () => {
          throw new Error('broken');
        },
      ],
    ],
    true,
  );
  t.ok(requireHere(id), 'the module loads');
  t.same(errors, [`network sensor (${id})`]);
});
