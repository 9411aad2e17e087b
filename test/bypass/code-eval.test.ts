/**
 * Bypass attempts on eval and the Function constructors (code.eval), and the
 * techniques Palisade leaves to a backstop or to the other sensors.
 */
import module from 'node:module';
import t from 'tap';
import { ATTEMPT, SECRET, denies, exists, policy, run, step } from './code-helpers.js';

const NO_EVAL = policy({ allow: { 'code.eval': false } });
const WRITE_MARKER = `process.getBuiltinModule('fs').writeFileSync('marker', 'ran')`;
const HAS_SYNC_HOOKS = typeof (module as unknown as { registerHooks?: unknown }).registerHooks === 'function';

t.test('Function("return process")()', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT}
      await attempt('Function', () => Function('return process')().getBuiltinModule('fs').writeFileSync('marker', 'x'));
      await attempt('constructor', () => (() => 0).constructor('return process')().getBuiltinModule('fs').writeFileSync('marker', 'x'));
      await attempt('async', () => Object.getPrototypeOf(async function () {}).constructor(${JSON.stringify(WRITE_MARKER)})());
      await attempt('parent', () => Object.getPrototypeOf(Object.getPrototypeOf(async function () {}).constructor)(${JSON.stringify(WRITE_MARKER)})());`,
  });
  t.match(step(r, 'parent'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'Function' }, 'Function reached as AsyncFunction’s parent');
  t.match(step(r, 'Function'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'Function' });
  t.match(step(r, 'constructor'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'Function' });
  t.match(step(r, 'async'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'AsyncFunction' });
  t.notOk(exists(r, 'marker'));
  t.equal(denies(r, 'code.eval').length, 4);
});

t.test('indirect eval (0, eval)("…") and direct eval', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT}
      await attempt('indirect', () => (0, eval)(${JSON.stringify(WRITE_MARKER)}));
      await attempt('direct', () => { const fs = process.getBuiltinModule('fs'); return eval("fs.writeFileSync('marker', 'x')"); });
      await attempt('globalThis', () => globalThis['ev' + 'al'](${JSON.stringify(WRITE_MARKER)}));`,
  });
  for (const s of ['indirect', 'direct', 'globalThis']) t.match(step(r, s), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'eval' }, s);
  t.notOk(exists(r, 'marker'));
});

t.test('setTimeout("code") / setInterval("code"): Node refuses strings, nothing runs', async (t) => {
  const r = await run(t, {
    policy: NO_EVAL,
    script: `${ATTEMPT}
      await attempt('setTimeout', () => setTimeout(${JSON.stringify(WRITE_MARKER)}, 0));
      await attempt('setInterval', () => setInterval(${JSON.stringify(WRITE_MARKER)}, 0));
      await attempt('setImmediate', () => setImmediate(${JSON.stringify(WRITE_MARKER)}));
      await new Promise((r) => setTimeout(r, 50));`,
  });
  for (const s of ['setTimeout', 'setInterval', 'setImmediate']) t.match(step(r, s), { ok: false, code: 'ERR_INVALID_ARG_TYPE' }, s);
  t.notOk(exists(r, 'marker'));
});

t.test('backstop: eval and Function captured before Palisade loaded are stopped by --disallow-code-generation-from-strings', async (t) => {
  const early = `globalThis.savedEval = eval; globalThis.SavedFunction = Function;`;
  const script = `${ATTEMPT}
    await attempt('savedEval', () => savedEval(${JSON.stringify(WRITE_MARKER)}));
    await attempt('savedFunction', () => SavedFunction(${JSON.stringify(WRITE_MARKER)})());
    await attempt('direct', () => { const local = 1; return eval('local'); });`;
  // In-process hooks cannot reach references taken before they were installed.
  const plain = await run(t, { policy: NO_EVAL, files: { 'early.cjs': early }, nodeArgs: ['--require', './early.cjs'], script });
  t.match(step(plain, 'savedEval'), { ok: true }, 'without the backstop, a captured eval runs (documented)');
  t.match(step(plain, 'direct'), { ok: false, code: 'ERR_PALISADE_DENIED' });
  t.match(plain.stderr, /PALISADE_CODEGEN_BACKSTOP/, 'the backstop is suggested at startup');
  const flagged = await run(t, {
    policy: NO_EVAL,
    files: { 'early.cjs': early },
    nodeArgs: ['--disallow-code-generation-from-strings', '--require', './early.cjs'],
    script,
  });
  t.match(step(flagged, 'savedEval'), { ok: false, code: 'EvalError' });
  t.match(step(flagged, 'savedFunction'), { ok: false, code: 'EvalError' });
  t.match(step(flagged, 'direct'), { ok: false });
  t.notOk(exists(flagged, 'marker'));
  t.notMatch(flagged.stderr, /PALISADE_CODEGEN_BACKSTOP/, 'and not suggested once given');
});

t.test('backstop: --disallow-code-generation-from-strings also holds in workers', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.eval': true } }),
    nodeArgs: ['--disallow-code-generation-from-strings'],
    script: `import { Worker } from 'node:worker_threads';
      const code = ${JSON.stringify(`try { eval(${JSON.stringify(WRITE_MARKER)}) } catch (e) { console.log(JSON.stringify({ step: 'worker', code: e.name })) }`)};
      await new Promise((res) => new Worker(code, { eval: true, execArgv: [] }).on('exit', res));`,
  });
  t.match(step(r, 'worker'), { code: 'EvalError' });
  t.notOk(exists(r, 'marker'));
});

t.test('import("data:text/javascript,…")', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.eval': false }, deny: { 'fs.write': ['**/marker'] } }),
    script: `${ATTEMPT}
      await attempt('data', () => import('data:text/javascript,' + encodeURIComponent(${JSON.stringify(WRITE_MARKER)})));
      await attempt('json', async () => (await import('data:application/json,{"a":1}', { with: { type: 'json' } })).default.a);`,
  });
  t.match(step(r, 'json'), { ok: true, value: '1' }, 'JSON data: URLs are data, not code');
  if (HAS_SYNC_HOOKS) {
    t.match(step(r, 'data'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'import:data' });
  } else {
    // Node 20 has no in-thread module hook: the import is not seen, and what it does is still checked.
    t.match(step(r, 'data'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'fs.write' });
  }
  t.notOk(exists(r, 'marker'));
});

t.test('WebAssembly.compile: not gated; wasm reaches the system only through JS imports, which are checked', async (t) => {
  // (module (import "env" "f" (func)) (func (export "run") call 0))
  const wasm = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0, 3, 2, 1, 0, 7, 7, 1, 3, 114, 117, 110, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11];
  const r = await run(t, {
    policy: policy({ allow: { 'code.eval': false }, deny: { 'fs.read': ['**/secret.txt'] } }),
    files: { 'secret.txt': SECRET },
    script: `${ATTEMPT} import fs from 'node:fs';
      const mod = await WebAssembly.compile(new Uint8Array(${JSON.stringify(wasm)}));
      const inst = await WebAssembly.instantiate(mod, { env: { f: () => console.log(fs.readFileSync('secret.txt', 'utf8')) } });
      console.log(JSON.stringify({ step: 'compiled', ok: true }));
      await attempt('run', () => inst.exports.run());`,
  });
  t.match(step(r, 'compiled'), { ok: true });
  t.match(step(r, 'run'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'fs.read' });
  t.notOk(r.stdout.includes(SECRET));
});

t.test('Module.prototype._compile: not gated (like loading a file the app wrote); what the code does is checked', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.eval': false }, deny: { 'fs.read': ['**/secret.txt'] } }),
    files: { 'secret.txt': SECRET },
    script: `${ATTEMPT} import Module from 'node:module';
      await attempt('compile', () => { const m = new Module('x'); m._compile("module.exports = process.getBuiltinModule('fs').readFileSync('secret.txt', 'utf8')", process.cwd() + '/x.js'); return m.exports; });`,
  });
  t.match(step(r, 'compile'), { ok: false, code: 'ERR_PALISADE_DENIED', capability: 'fs.read' });
  t.notOk(r.stdout.includes(SECRET));
});
