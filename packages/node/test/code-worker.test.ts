import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { once } from 'node:events';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import t, { type Test } from 'tap';
import { installCodeSensors, setCodeInspector, setWorkerPreload } from '../src/sensors/code/index.js';
import { assertDenied, recorded, thrown, usePolicy } from './helpers/code.js';

installCodeSensors();
syncBuiltinESMExports(); // as installNodeSensors does: named imports see the guarded Worker
const FIXTURES = resolve(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'code');
const REPORT = join(FIXTURES, 'report.cjs');
setWorkerPreload(join(FIXTURES, 'preload.cjs'));

type Report = { preloaded?: number; argv: string[]; main: boolean; workerData: unknown; execArgv: string[] };

async function firstMessage(w: Worker): Promise<Report> {
  // Both listeners first: 'exit' can follow the last message in the same turn.
  const [[msg]] = (await Promise.all([once(w, 'message'), once(w, 'exit')])) as [[Report], unknown];
  return msg;
}

const REPORT_EVAL = `const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ preloaded: globalThis.__preloaded, argv: process.argv.slice(1), execArgv: process.execArgv });`;

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-worker-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('denied workers throw synchronously and never start', async (t) => {
  usePolicy(t, { allow: { 'code.worker': false } });
  const dir = tempDir(t);
  const marker = join(dir, 'ran');
  const code = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
  assertDenied(t, () => new Worker(code, { eval: true }), 'code.worker', 'eval');
  assertDenied(t, () => new Worker(code, { eval: true, execArgv: [] }), 'code.worker', 'eval');
  assertDenied(t, () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`)), 'code.worker', 'eval');
  assertDenied(t, () => new Worker(REPORT), 'code.worker', REPORT);
  assertDenied(t, () => new Worker(pathToFileURL(REPORT)), 'code.worker', REPORT);
  await new Promise((r) => setTimeout(r, 100));
  t.notOk(existsSync(marker), 'no worker code ran');
});

t.test('targets are real paths: a symlink to a denied script is denied', async (t) => {
  usePolicy(t, { deny: { 'code.worker': [REPORT] } });
  const link = join(tempDir(t), 'innocent.cjs');
  symlinkSync(REPORT, link);
  assertDenied(t, () => new Worker(link), 'code.worker', REPORT);
  const rel = `./${join('packages', 'node', 'test', 'fixtures', 'code', 'report.cjs')}`;
  if (existsSync(rel)) assertDenied(t, () => new Worker(rel), 'code.worker', REPORT, 'relative path');
});

t.test('allowed workers start with the preload first, keeping Node’s semantics', async (t) => {
  usePolicy(t, {});
  const file = await firstMessage(new Worker(REPORT, { workerData: { n: 1 }, argv: ['a'], execArgv: [] }));
  t.equal(file.preloaded, 1, 'file worker');
  t.same(file.argv, [REPORT, 'a']);
  t.equal(file.main, true, 'require.main === module');
  t.same(file.workerData, { n: 1 });
  t.same(file.execArgv, ['--require', join(FIXTURES, 'preload.cjs')]);
  t.equal((await firstMessage(new Worker(pathToFileURL(REPORT), { execArgv: [] }))).preloaded, 1, 'file: URL worker');
  const ev = await firstMessage(new Worker(REPORT_EVAL, { eval: true, execArgv: [], argv: ['b'] }));
  t.equal(ev.preloaded, 1, 'eval worker with execArgv: []');
  t.same(ev.argv, ['[worker eval]', 'b']);
  t.same(ev.execArgv, ['--require', join(FIXTURES, 'preload.cjs')]);
  t.equal((await firstMessage(new Worker(REPORT_EVAL, { eval: true }))).preloaded, 1, 'eval worker inheriting execArgv');
  const esm = `import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ preloaded: globalThis.__preloaded });`;
  t.equal((await firstMessage(new Worker(new URL(`data:text/javascript,${encodeURIComponent(esm)}`), { execArgv: [] }))).preloaded, 1, 'data: URL worker');
  t.equal((await firstMessage(new Worker(esm, { eval: true }))).preloaded, 1, 'eval worker with ESM syntax');
});

t.test('allowed: Node’s own errors and events are unchanged', async (t) => {
  usePolicy(t, {});
  t.match(thrown(t, () => new Worker('report.cjs')), { code: 'ERR_WORKER_PATH' });
  t.match(thrown(t, () => new Worker(new URL('https://example.com/w.js'))), { code: 'ERR_INVALID_URL_SCHEME' });
  t.match(thrown(t, () => new Worker(REPORT, { execArgv: '--x' as never })), { code: 'ERR_INVALID_ARG_TYPE' });
  t.match(thrown(t, () => new Worker(new URL('file:///x.js'), { eval: true })), { code: 'ERR_INVALID_ARG_VALUE' });
  t.match(thrown(t, () => (Worker as unknown as (f: string) => unknown)(REPORT)), { name: 'TypeError' });
  t.match(thrown(t, () => new Worker('1', { eval: true, execArgv: ['--max-old-space-size=10'] })), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
  const missing = new Worker(join(FIXTURES, 'missing.cjs'), { execArgv: [] });
  const [err] = (await once(missing, 'error')) as [Error];
  t.match(err.message, /Cannot find module/, 'a missing file is an error event, as before');
  class Mine extends Worker {}
  const m = new Mine(REPORT_EVAL, { eval: true });
  t.ok(m instanceof Mine && m instanceof Worker);
  t.equal((await firstMessage(m)).preloaded, 1);
});

t.test('options are read once: a getter or Object.prototype cannot show the check one thing and Node another', async (t) => {
  usePolicy(t, { deny: { 'code.worker': ['eval'] } });
  const dir = tempDir(t);
  const marker = join(dir, 'ran');
  const code = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
  let reads = 0;
  const flipping = {
    get eval() {
      return reads++ > 0;
    },
  };
  t.match(thrown(t, () => new Worker(code, flipping)), { code: 'ERR_WORKER_PATH' }, 'Node saw what the check saw');
  const proto = Object.prototype as { eval?: boolean };
  proto.eval = true;
  try {
    assertDenied(t, () => new Worker(code, {}), 'code.worker', 'eval', 'inherited eval: true is judged as Node reads it');
  } finally {
    delete proto.eval;
  }
  await new Promise((r) => setTimeout(r, 100));
  t.notOk(existsSync(marker));
});

t.test('the native handle class of an allowed worker is guarded too', async (t) => {
  usePolicy(t, {});
  const w = new Worker(REPORT_EVAL, { eval: true });
  const handle = Object.getOwnPropertySymbols(w)
    .map((s) => (w as unknown as Record<symbol, unknown>)[s])
    .find((v) => typeof (v as { startThread?: unknown })?.startThread === 'function') as { constructor: new (...a: unknown[]) => unknown };
  t.ok(handle, 'found the handle');
  await firstMessage(w);
  usePolicy(t, { allow: { 'code.worker': false } });
  assertDenied(t, () => new handle.constructor(null, null, [], [], true, false, 'x'), 'code.worker', 'eval');
});

t.test('monitor: a would-be denied worker starts and an alert is recorded', async (t) => {
  usePolicy(t, { mode: 'monitor', allow: { 'code.worker': false } });
  const records = recorded(t);
  t.equal((await firstMessage(new Worker(REPORT_EVAL, { eval: true }))).preloaded, 1);
  t.match(records, [{ action: 'alert', capability: 'code.worker', target: 'eval', api: 'worker_threads.Worker' }]);
  t.equal(records[0]?.detail?.['palisade.code.length'], REPORT_EVAL.length);
});

t.test('a relative path is resolved against the real working directory, whatever process.cwd says', async (t) => {
  usePolicy(t, {});
  const rel = `./${join('packages', 'node', 'test', 'fixtures', 'code', 'report.cjs')}`;
  t.ok(existsSync(rel), 'tests run from the repository root');
  const cwd = process.cwd;
  process.cwd = () => tmpdir();
  let w: Worker;
  try {
    w = new Worker(rel, { execArgv: [] });
  } finally {
    process.cwd = cwd;
  }
  t.same((await firstMessage(w)).argv, [REPORT], 'the worker runs the file that was checked');
});

t.test('the code inspector sees eval and data: worker code as text', async (t) => {
  usePolicy(t, {});
  const seen: string[] = [];
  setCodeInspector((c) => void seen.push(`${c.capability} ${c.target} ${c.source}`));
  t.teardown(() => setCodeInspector(undefined));
  const esm = `import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ preloaded: 1 });`;
  await firstMessage(new Worker(new URL(`data:text/javascript;base64,${Buffer.from(esm).toString('base64')}`), { execArgv: [] }));
  await firstMessage(new Worker(REPORT_EVAL, { eval: true }));
  t.same(seen, [`code.worker eval ${esm}`, `code.worker eval ${REPORT_EVAL}`]);
});
