/**
 * The code sensors in the app shapes users run: ESM apps, CommonJS apps
 * (preloaded with --import or --require), and ESM apps importing a CommonJS
 * package that uses vm. Each denies one vm API, allows another, and starts a
 * worker that must come up protected.
 */
import t, { type Test } from 'tap';
import { SECRET, policy, run, step } from './code-helpers.js';

const POLICY = policy({ deny: { 'code.eval': ['vm.runInNewContext'], 'fs.read': ['**/secret.txt'] } });
const FILES = {
  'secret.txt': SECRET,
  'worker.cjs': `const { parentPort } = require('node:worker_threads');
try { parentPort.postMessage(require('fs').readFileSync('secret.txt', 'utf8')); } catch (e) { parentPort.postMessage(e.code); }`,
  'node_modules/cjs-vm-pkg/package.json': JSON.stringify({ name: 'cjs-vm-pkg', version: '1.0.0', main: 'index.js' }),
  'node_modules/cjs-vm-pkg/index.js': `// Destructured at load: a reference taken after Palisade is the guarded one.
const { runInNewContext, Script } = require('vm');
exports.sandboxed = (code) => runInNewContext(code, {});
exports.compiled = (code) => new Script(code).runInThisContext();`,
};

const CJS_BODY = `
const attempt = (step, fn) => { try { console.log(JSON.stringify({ step, ok: true, value: String(fn()) })); } catch (e) { console.log(JSON.stringify({ step, ok: false, code: e.code })); } };
const vm = require('vm');
attempt('denied', () => vm.runInNewContext('1 + 1'));
attempt('allowed', () => new vm.Script('1 + 1').runInThisContext());
const { Worker } = require('worker_threads');
new Worker('./worker.cjs').on('message', (m) => console.log(JSON.stringify({ step: 'worker', value: m })));`;

function assertShape(t: Test, r: Awaited<ReturnType<typeof run>>): void {
  t.equal(r.code, 0, r.stderr);
  t.match(step(r, 'denied'), { ok: false, code: 'ERR_PALISADE_DENIED' });
  t.match(step(r, 'allowed'), { ok: true, value: '2' });
  t.match(step(r, 'worker'), { value: 'ERR_PALISADE_DENIED' }, 'the worker runs protected');
  t.notOk(r.stdout.includes(SECRET));
}

t.test('ESM app', async (t) => {
  const r = await run(t, {
    policy: POLICY,
    files: FILES,
    script: `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
${CJS_BODY}`,
  });
  assertShape(t, r);
});

t.test('CommonJS app, --require palisade/register', async (t) => {
  const r = await run(t, { policy: POLICY, files: FILES, scriptName: 'app.cjs', preload: 'require', script: CJS_BODY });
  assertShape(t, r);
});

t.test('CommonJS app, --import palisade/register', async (t) => {
  const r = await run(t, { policy: POLICY, files: FILES, scriptName: 'app.cjs', script: CJS_BODY });
  assertShape(t, r);
});

t.test('ESM app importing a CommonJS package that uses vm', async (t) => {
  const r = await run(t, {
    policy: POLICY,
    files: FILES,
    script: `import pkg from 'cjs-vm-pkg';
import { Worker } from 'node:worker_threads';
const attempt = (step, fn) => { try { console.log(JSON.stringify({ step, ok: true, value: String(fn()) })); } catch (e) { console.log(JSON.stringify({ step, ok: false, code: e.code })); } };
attempt('denied', () => pkg.sandboxed('1 + 1'));
attempt('allowed', () => pkg.compiled('1 + 1'));
new Worker('./worker.cjs').on('message', (m) => console.log(JSON.stringify({ step: 'worker', value: m })));`,
  });
  assertShape(t, r);
});
