/**
 * Bypass attempts through native code (code.native): Node's internal
 * bindings reach the file system and process spawning with no fs or
 * child_process sensor in the way; the inspector can run code and rewrite
 * Palisade's own state. Where the technique is not obvious, a control run
 * without Palisade shows it really works.
 */
import t from 'tap';
import { ATTEMPT, SECRET, exists, policy, run, step } from './code-helpers.js';

const NO_BINDINGS = policy({ allow: { 'process.spawn': false }, deny: { 'fs.read': ['**/secret.txt'], 'code.native': ['binding:*'] } });

t.test('process.binding("fs") reading a denied file', async (t) => {
  const script = `${ATTEMPT}
    await attempt('binding', () => process.binding('fs').readFileUtf8(process.cwd() + '/secret.txt', 0));`;
  const control = await run(t, { preload: 'none', files: { 'secret.txt': SECRET }, script });
  t.match(step(control, 'binding'), { ok: true, value: SECRET }, 'control: the technique reads the file');
  const r = await run(t, { policy: NO_BINDINGS, files: { 'secret.txt': SECRET }, script });
  t.match(step(r, 'binding'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'code.native', target: 'binding:fs' });
  t.notOk(r.stdout.includes(SECRET));
});

t.test('process.binding("spawn_sync") running a command', async (t) => {
  const script = `${ATTEMPT}
    await attempt('spawn', () => process.binding('spawn_sync').spawn({
      file: '/bin/sh', args: ['sh', '-c', 'echo ran > marker'], cwd: process.cwd(), envPairs: ['PATH=/usr/bin:/bin'],
      stdio: [{ type: 'ignore' }, { type: 'ignore' }, { type: 'ignore' }], detached: false, windowsHide: false, windowsVerbatimArguments: false,
    }).status);`;
  const control = await run(t, { preload: 'none', script });
  t.ok(exists(control, 'marker'), 'control: the technique runs a command');
  const r = await run(t, { policy: NO_BINDINGS, script });
  t.match(step(r, 'spawn'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'binding:spawn_sync' });
  t.notOk(exists(r, 'marker'));
});

t.test('process.dlopen / require("x.node") of a denied addon', async (t) => {
  const files = { 'addon.node': 'not really an addon' };
  const script = `${ATTEMPT} import { createRequire } from 'node:module';
    await attempt('require', () => createRequire(import.meta.url)('./addon.node'));
    await attempt('dlopen', () => process.dlopen({ exports: {} }, './addon.node'));`;
  const control = await run(t, { preload: 'none', files, script });
  t.match(step(control, 'require'), { ok: false, code: 'ERR_DLOPEN_FAILED' }, 'control: Node tries to load it');
  const r = await run(t, { policy: policy({ allow: { 'code.native': false } }), files, script });
  t.match(step(r, 'require'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'code.native' });
  t.match(String(step(r, 'require')?.target), /\/addon\.node$/);
  t.match(step(r, 'dlopen'), { ok: false, code: 'ERR_PALISADE_DENIED' });
});

t.test('inspector.Session connect, to run code through Runtime.evaluate', async (t) => {
  const script = `${ATTEMPT} import inspector from 'node:inspector';
    await attempt('session', () => new Promise((res, rej) => {
      const s = new inspector.Session(); s.connect();
      s.post('Runtime.evaluate', { expression: "process.getBuiltinModule('fs').writeFileSync('marker', 'x')" }, (e) => (e ? rej(e) : res()));
    }));`;
  const control = await run(t, { preload: 'none', script });
  t.ok(exists(control, 'marker'), 'control: the session runs code');
  const r = await run(t, { policy: policy({ allow: { 'code.native': false } }), script });
  t.match(step(r, 'session'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'inspector' });
  t.notOk(exists(r, 'marker'));
});

t.test('opening the inspector: inspector.open() and SIGUSR1 to itself', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.native': false } }),
    script: `${ATTEMPT} import inspector from 'node:inspector';
      await attempt('open', () => inspector.open(0));
      await attempt('sigusr1', () => process.kill(process.pid, 'SIGUSR1'));
      await new Promise((r) => setTimeout(r, 200));
      console.log(JSON.stringify({ step: 'url', value: String(inspector.url()) }));`,
  });
  t.match(step(r, 'open'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'inspector' });
  t.match(step(r, 'sigusr1'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'inspector' });
  t.match(step(r, 'url'), { value: 'undefined' }, 'no inspector is listening');
  t.notMatch(r.stderr, /Debugger listening/);
});

t.test('--expose-internals (internalBinding with no sensor): warned at startup', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.native': false } }),
    nodeArgs: ['--expose-internals'],
    script: `console.log('started');`,
  });
  t.match(r.stderr, /PALISADE_EXPOSE_INTERNALS/);
});

t.test('node:sqlite loadExtension (a shared library loaded into the process)', async (t) => {
  if (!process.getBuiltinModule?.('node:sqlite')) {
    t.pass('no node:sqlite on this Node');
    return;
  }
  const files = { 'ext.so': 'not really a library' };
  const script = `${ATTEMPT}
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
    await attempt('load', () => new DatabaseSync(':memory:', { allowExtension: true }).loadExtension('./ext.so'));`;
  const control = await run(t, { preload: 'none', files, script });
  t.match(step(control, 'load'), { ok: false, code: 'ERR_LOAD_SQLITE_EXTENSION' }, 'control: SQLite tries to load it');
  const r = await run(t, { policy: policy({ allow: { 'code.native': false } }), files, script });
  t.match(step(r, 'load'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'code.native' });
  t.match(String(step(r, 'load')?.target), /\/ext\.so$/);
});
