/**
 * Bypass attempts through worker threads (code.worker): reaching Worker in
 * other ways, and using an allowed worker to get out from under the sensors
 * (a worker does not inherit the parent's hooks; Palisade must be loaded in it).
 */
import t from 'tap';
import { ATTEMPT, SECRET, exists, policy, run, step } from './code-helpers.js';

const NO_WORKERS = policy({ allow: { 'code.worker': false } });
const DENY_SECRET = policy({ deny: { 'fs.read': ['**/secret.txt'] } });
const WRITE_MARKER = `require('fs').writeFileSync('marker', 'ran')`;

/** Worker code that tries to read the secret and reports what happened. */
const READ_SECRET_CJS = `const { parentPort } = require('node:worker_threads');
try { parentPort.postMessage({ read: require('fs').readFileSync('secret.txt', 'utf8') }); }
catch (e) { parentPort.postMessage({ code: e.code }); }`;
const READ_SECRET_ESM = `import fs from 'node:fs'; import { parentPort } from 'node:worker_threads';
try { parentPort.postMessage({ read: fs.readFileSync('secret.txt', 'utf8') }); }
catch (e) { parentPort.postMessage({ code: e.code }); }`;
const REPORT = `const report = (step, w) => new Promise((res) => {
  w.on('message', (m) => console.log(JSON.stringify({ step, ...m })));
  w.on('error', (e) => console.log(JSON.stringify({ step, error: String(e && e.message) })));
  w.on('exit', res);
});`;

t.test('denied worker reached through getBuiltinModule, createRequire and a named import', async (t) => {
  const r = await run(t, {
    policy: NO_WORKERS,
    script: `${ATTEMPT} import { Worker as Named } from 'node:worker_threads'; import { createRequire } from 'node:module';
      const code = ${JSON.stringify(WRITE_MARKER)};
      await attempt('getBuiltinModule', () => new (process.getBuiltinModule('worker_threads').Worker)(code, { eval: true }));
      await attempt('createRequire', () => new (createRequire(import.meta.url)('worker_threads').Worker)(code, { eval: true }));
      await attempt('named', () => new Named(code, { eval: true }));
      await new Promise((r) => setTimeout(r, 200));`,
  });
  for (const s of ['getBuiltinModule', 'createRequire', 'named']) t.match(step(r, s), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'eval' }, s);
  t.notOk(exists(r, 'marker'), 'no worker ran');
});

t.test('worker with eval: true and execArgv: [] reading a denied file', async (t) => {
  const r = await run(t, {
    policy: DENY_SECRET,
    files: { 'secret.txt': SECRET },
    script: `import { Worker } from 'node:worker_threads'; ${REPORT}
      await report('eval', new Worker(${JSON.stringify(READ_SECRET_CJS)}, { eval: true, execArgv: [] }));`,
  });
  t.match(step(r, 'eval'), { code: 'ERR_PALISADE_DENIED' }, 'the worker ran, with the fs sensor active');
  t.notOk(r.stdout.includes(SECRET));
});

t.test('worker from a data: URL reading a denied file', async (t) => {
  const r = await run(t, {
    policy: DENY_SECRET,
    files: { 'secret.txt': SECRET },
    script: `import { Worker } from 'node:worker_threads'; ${REPORT}
      await report('data', new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(READ_SECRET_ESM)}))));`,
  });
  t.match(step(r, 'data'), { code: 'ERR_PALISADE_DENIED' });
  t.notOk(r.stdout.includes(SECRET));
});

t.test('worker from a data: URL when workers are denied', async (t) => {
  const r = await run(t, {
    policy: NO_WORKERS,
    script: `${ATTEMPT} import { Worker } from 'node:worker_threads';
      await attempt('data', () => new Worker(new URL('data:text/javascript,' + encodeURIComponent("import fs from 'node:fs'; fs.writeFileSync('marker', 'x')"))));
      await new Promise((r) => setTimeout(r, 200));`,
  });
  t.match(step(r, 'data'), { ok: false, code: 'ERR_PALISADE_DENIED', target: 'eval' });
  t.notOk(exists(r, 'marker'));
});

t.test('worker from new URL(import.meta.url) (the app re-running itself)', async (t) => {
  const r = await run(t, {
    policy: policy({ deny: { 'code.worker': ['**/app.mjs'] } }),
    script: `${ATTEMPT} import { Worker, isMainThread } from 'node:worker_threads'; import fs from 'node:fs';
      if (isMainThread) {
        await attempt('self', () => new Worker(new URL(import.meta.url)));
        await new Promise((r) => setTimeout(r, 200));
      } else fs.writeFileSync('marker', 'x');`,
  });
  t.match(step(r, 'self'), { ok: false, code: 'ERR_PALISADE_DENIED' });
  t.match(String(step(r, 'self')?.target), /\/app\.mjs$/);
  t.notOk(exists(r, 'marker'));
});

t.test('a file worker inherits a policy given in code (palisade.init), not the file’s', async (t) => {
  const r = await run(t, {
    preload: 'none',
    policy: policy({}), // a permissive file that the worker must not fall back to
    files: { 'secret.txt': SECRET, 'worker.cjs': READ_SECRET_CJS },
    script: `import { palisade } from 'palisade'; import { Worker } from 'node:worker_threads'; ${REPORT}
      palisade.init({ policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/secret.txt'] } } });
      await report('file', new Worker('./worker.cjs'));`,
  });
  t.match(step(r, 'file'), { code: 'ERR_PALISADE_DENIED' });
  t.notOk(r.stdout.includes(SECRET));
});

t.test('a worker started inside a tool scope stays under that scope', async (t) => {
  const r = await run(t, {
    policy: policy({ scopes: [{ match: { tool: 'summarize' }, deny: { 'fs.read': ['**/secret.txt'] } }] }),
    files: { 'secret.txt': SECRET },
    script: `import { palisade } from 'palisade'; import { Worker } from 'node:worker_threads'; ${REPORT}
      await palisade.tool('summarize', () => report('tool', new Worker(${JSON.stringify(READ_SECRET_CJS)}, { eval: true, execArgv: [] })))();
      await report('outside', new Worker(${JSON.stringify(READ_SECRET_CJS)}, { eval: true }));`,
  });
  t.match(step(r, 'tool'), { code: 'ERR_PALISADE_DENIED' }, 'in the tool scope');
  t.match(step(r, 'outside'), { read: SECRET }, 'outside it the base policy allows the read');
});

t.test('inherited per-process flags do not stop workers from starting protected', async (t) => {
  const r = await run(t, {
    policy: DENY_SECRET,
    files: { 'secret.txt': SECRET },
    nodeArgs: ['--max-old-space-size=200', '--title=palisade-test'],
    script: `import { Worker } from 'node:worker_threads'; ${REPORT}
      await report('eval', new Worker(${JSON.stringify(READ_SECRET_CJS)}, { eval: true }));`,
  });
  t.match(step(r, 'eval'), { code: 'ERR_PALISADE_DENIED' });
});
