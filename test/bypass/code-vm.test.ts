/**
 * Bypass attempts on the vm sensor (code.eval): every way to reach vm, and
 * escaping a vm context. Each test runs a real process under
 * `node --import palisade/register` and checks the effect: the marker the
 * code would write does not exist, the secret is not printed.
 */
import t from 'tap';
import { ATTEMPT, SECRET, denies, exists, policy, run, step } from './code-helpers.js';

const NO_EVAL = policy({ allow: { 'code.eval': false } });
const WRITE_MARKER = `process.getBuiltinModule('fs').writeFileSync('marker', 'ran')`;

t.test('process.getBuiltinModule("vm")', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT}
      await attempt('vm', () => process.getBuiltinModule('vm').runInThisContext(${JSON.stringify(WRITE_MARKER)}));`,
  });
  t.match(step(r, 'vm'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.runInThisContext' });
  t.notOk(exists(r, 'marker'));
  t.equal(denies(r, 'code.eval').length, 1, 'recorded in the audit log');
});

t.test('module.createRequire(import.meta.url)("vm")', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT} import { createRequire } from 'node:module';
      const vm = createRequire(import.meta.url)('vm');
      await attempt('vm', () => new vm.Script(${JSON.stringify(WRITE_MARKER)}).runInThisContext());`,
  });
  t.match(step(r, 'vm'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.Script' });
  t.notOk(exists(r, 'marker'));
});

t.test('ESM named imports from node:vm', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT} import { Script, runInNewContext, compileFunction } from 'node:vm';
      await attempt('Script', () => new Script(${JSON.stringify(WRITE_MARKER)}).runInThisContext());
      await attempt('runInNewContext', () => runInNewContext('this.constructor.constructor("return process")().getBuiltinModule("fs").writeFileSync("marker", "x")'));
      await attempt('compileFunction', () => compileFunction(${JSON.stringify(WRITE_MARKER)})());`,
  });
  for (const s of ['Script', 'runInNewContext', 'compileFunction']) t.match(step(r, s), { ok: false, code: 'ERR_PALISADE_DENIED' }, s);
  t.notOk(exists(r, 'marker'));
});

t.test('the native class behind vm.Script (Object.getPrototypeOf(vm.Script))', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT} import vm from 'node:vm';
      const Native = Object.getPrototypeOf(vm.Script);
      await attempt('native', () => new Native(${JSON.stringify(WRITE_MARKER)}, 'x.js', 0, 0, undefined, false, undefined, Symbol('x')).runInContext(null, -1, true, false, false));`,
  });
  t.match(step(r, 'native'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.Script' });
  t.notOk(exists(r, 'marker'));
});

t.test('subclassing vm.Module with sourceText (--experimental-vm-modules)', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    nodeArgs: ['--experimental-vm-modules', '--no-warnings'],
    script: `${ATTEMPT} import vm from 'node:vm';
      class Sneaky extends vm.Module {}
      await attempt('Module', async () => { const m = new Sneaky({ sourceText: ${JSON.stringify(WRITE_MARKER)} }); await m.link(() => {}); await m.evaluate(); });
      await attempt('SourceTextModule', async () => { const m = new vm.SourceTextModule(${JSON.stringify(WRITE_MARKER)}); await m.link(() => {}); await m.evaluate(); });
      await attempt('SyntheticModule', () => new vm.SyntheticModule(['x'], () => {}));`,
  });
  t.match(step(r, 'Module'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.SourceTextModule' });
  t.match(step(r, 'SourceTextModule'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.SourceTextModule' });
  t.match(step(r, 'SyntheticModule'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.SyntheticModule' });
  t.notOk(exists(r, 'marker'));
});

t.test('the native ModuleWrap behind an allowed vm module', async (t) => {
  const r = await run(t, {
    policy: policy({ deny: { 'code.eval': ['vm.SourceTextModule'] } }),
    nodeArgs: ['--experimental-vm-modules', '--no-warnings'],
    script: `${ATTEMPT} import vm from 'node:vm';
      const allowed = new vm.SyntheticModule(['x'], () => {});
      const handle = Object.getOwnPropertySymbols(allowed).map((s) => allowed[s]).find((v) => typeof v?.getStatus === 'function');
      console.log(JSON.stringify({ step: 'handle', ok: Boolean(handle) }));
      await attempt('ModuleWrap', async () => {
        const w = new handle.constructor('x', undefined, ${JSON.stringify(WRITE_MARKER)}, 0, 0);
        w.link?.([]); w.instantiate?.(); await w.evaluate?.(-1, false);
      });`,
  });
  t.match(step(r, 'handle'), { ok: true }, 'the handle is reachable from the instance');
  t.match(step(r, 'ModuleWrap'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'vm.SourceTextModule' });
  t.notOk(exists(r, 'marker'));
});

t.test('vm escape this.constructor.constructor("return process")(): the real process, with every sensor still on', async (t) => {
  // vm and Function allowed: the escape works, and what it reaches is still checked.
  const r = await run(t, {
    policy: policy({
      allow: { 'process.spawn': false },
      deny: { 'fs.read': ['**/secret.txt'], 'code.native': ['binding:*'] },
    }),
    files: { 'secret.txt': SECRET },
    script: `${ATTEMPT} import vm from 'node:vm';
      const proc = vm.runInNewContext('this.constructor.constructor("return process")()');
      console.log(JSON.stringify({ step: 'escaped', ok: proc === process }));
      await attempt('read', () => proc.getBuiltinModule('fs').readFileSync('secret.txt', 'utf8'));
      await attempt('spawn', () => proc.getBuiltinModule('child_process').execFileSync('/bin/sh', ['-c', 'cat secret.txt > marker']));
      await attempt('binding', () => proc.binding('fs').readFileUtf8(proc.cwd() + '/secret.txt', 0));`,
  });
  t.match(step(r, 'escaped'), { ok: true }, 'the escape reaches the real process (vm is not a boundary)');
  t.match(step(r, 'read'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'fs.read' });
  t.match(step(r, 'spawn'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'process.spawn' });
  t.match(step(r, 'binding'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'code.native' });
  t.notOk(r.stdout.includes(SECRET), 'the secret was not read');
  t.notOk(exists(r, 'marker'), 'no command ran');
});

t.test('vm escape with Function denied: the escape itself is stopped', async (t) => {
  const r = await run(t, {
    policy: policy({ deny: { 'code.eval': ['Function', 'eval'] } }),
    script: `${ATTEMPT} import vm from 'node:vm';
      await attempt('escape', () => vm.runInNewContext('this.constructor.constructor("return process")().getBuiltinModule("fs").writeFileSync("marker", "x")'));`,
  });
  t.match(step(r, 'escape'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'Function' });
  t.notOk(exists(r, 'marker'));
});
