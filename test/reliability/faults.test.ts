/**
 * Internal faults in real processes under `node --import palisade/register`:
 * a listener that throws, exporters that fail (an OTLP endpoint that refuses,
 * an app exporter that throws), an audit log on a full disk, a policy reload
 * that fails, and a fault in a sensor's own check (the working directory
 * deleted under the process). Each time the app runs to its end, the denied
 * operation stays denied (its effect never happens), and the fault is
 * counted in palisade.stats() and reported to `internal-error` listeners.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import t from 'tap';
import { SECRET, output, prepare } from '../helpers/bypass.js';
import { runProtected } from '../helpers/protected.js';

const POLICY = {
  version: 1,
  mode: 'enforce',
  deny: { 'fs.read': ['${cwd}/secret/**'] },
  audit: { path: '${cwd}/palisade-audit.jsonl' },
};

/** The app tail every scenario shares: the secret must stay denied; stats and internal errors are printed. */
const TAIL = `
let read;
try { read = fs.readFileSync('secret/key', 'utf8'); } catch (e) { read = e.code; }
console.log(JSON.stringify({ secretRead: read }));
console.log(JSON.stringify({ stats: palisade.stats(), internal: [...internal] }));
`;
const HEAD = `import fs from 'node:fs';
import { palisade } from 'palisade';
const internal = new Set();
palisade.on('internal-error', (e, c) => internal.add(c.source));
`;

function report(r: { json: Array<Record<string, unknown>> }) {
  const stats = r.json.find((l) => 'stats' in l) as { stats: Record<string, number>; internal: string[] } | undefined;
  const read = r.json.find((l) => 'secretRead' in l)?.secretRead;
  return { stats: stats?.stats ?? {}, internal: stats?.internal ?? [], read };
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

t.test('a decision listener that throws (and one that re-enters the guard)', async (t) => {
  const r = await runProtected(
    {
      policy: POLICY,
      script: `${HEAD}
palisade.on('decision', () => { throw new Error('listener bug'); });
palisade.on('decision', () => { try { fs.readFileSync('secret/key'); } catch {} });
for (let i = 0; i < 3; i++) { try { fs.readFileSync('secret/key'); } catch {} }
${TAIL}`,
    },
    prepare(),
  );
  t.equal(r.code, 0, `the app ran to its end (${r.stderr.slice(0, 300)})`);
  t.notMatch(output(r), SECRET);
  const { stats, internal, read } = report(r);
  t.equal(read, 'ERR_PALISADE_DENIED', 'protection stays');
  t.equal(stats.listenerErrors, 4, 'each throw counted once (the re-entering listener’s own decision is not sent back to listeners)');
  t.equal(stats.denied, 8, 'the app’s 4 denies and the listener’s own 4, all recorded');
  t.same(internal, ['decision listener']);
  t.ok(r.audit.filter((l) => l.action === 'deny').length === 8, 'all of them in the audit log');
});

t.test('exporters that fail: an OTLP endpoint that refuses, and an app exporter that throws', async (t) => {
  const port = await closedPort();
  const refusing = await runProtected(
    {
      policy: POLICY,
      env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '20', OTEL_EXPORTER_OTLP_TIMEOUT: '300' },
      script: `${HEAD}
for (let i = 0; i < 5; i++) { try { fs.readFileSync('secret/key'); } catch {} }
for (let i = 0; i < 100 && !internal.has('telemetry export'); i++) await new Promise((r) => setTimeout(r, 50));
${TAIL}`,
    },
    prepare(),
  );
  t.equal(refusing.code, 0, `ran to its end with the OTLP endpoint refusing (${refusing.stderr.slice(0, 300)})`);
  t.equal(report(refusing).read, 'ERR_PALISADE_DENIED');
  t.equal(report(refusing).stats.denied, 6);
  t.ok(report(refusing).stats.telemetryErrors >= 1, `the failed export counted (${report(refusing).stats.telemetryErrors})`);
  t.ok(report(refusing).internal.includes('telemetry export'), 'and reported');

  const throwing = await runProtected(
    {
      policy: POLICY,
      script: `${HEAD}
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
// The app's own pipeline, broken: a span processor whose onEnd throws into whoever ends the span.
const broken = { onStart() {}, onEnd() { throw new Error('exporter down'); }, forceFlush: async () => {}, shutdown: async () => {} };
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [broken] }));
for (let i = 0; i < 5; i++) { try { fs.readFileSync('secret/key'); } catch {} }
${TAIL}`,
    },
    prepare(),
  );
  t.equal(throwing.code, 0, `ran to its end with the app's exporter throwing (${throwing.stderr.slice(0, 300)})`);
  const { stats, internal, read } = report(throwing);
  t.equal(read, 'ERR_PALISADE_DENIED');
  t.equal(stats.denied, 6);
  t.ok(stats.telemetryErrors >= 5, `each failed export counted (${stats.telemetryErrors})`);
  t.ok(internal.includes('telemetry'), 'and reported');
});

t.test('regression: an app that disturbs module loading before the first span (OpenTelemetry API loaded late)', async (t) => {
  // The API loads when something can first record a span. Node's CommonJS loader resolves through the
  // public path.resolve, which this app replaced: loading fails (or runs the wrong file). The deny must
  // still be Palisade's, and the failure reported once.
  const r = await runProtected(
    {
      policy: POLICY,
      script: `${HEAD}
import path from 'node:path';
globalThis[Symbol.for('opentelemetry.js.api.1')] = { version: '1.9.0' }; // as if the app had registered a provider
const pub = path.join(process.cwd(), 'public.txt');
path.resolve = () => pub;
let first;
try { fs.readFileSync('secret/key', 'utf8'); } catch (e) { first = e.code; }
console.log(JSON.stringify({ first }));
${TAIL}`,
    },
    prepare(),
  );
  t.equal(r.code, 0, `the app ran to its end (${r.stderr.slice(0, 300)})`);
  t.notMatch(output(r), SECRET);
  t.equal(r.json.find((l) => 'first' in l)?.first, 'ERR_PALISADE_DENIED', 'the first deny, during the failed load, is still Palisade’s error');
  const { stats, internal, read } = report(r);
  t.equal(read, 'ERR_PALISADE_DENIED', 'protection stays');
  t.equal(stats.denied, 2);
  t.equal(stats.telemetryErrors, 1, 'the failed load counted once');
  t.same(internal, ['telemetry']);
});

t.test('an audit log on a full disk', { skip: !existsSync('/dev/full') && 'needs /dev/full' }, async (t) => {
  const r = await runProtected(
    {
      policy: { ...POLICY, audit: { path: '/dev/full' } },
      script: `${HEAD}
for (let i = 0; i < 5; i++) { try { fs.readFileSync('secret/key'); } catch (e) { if (e.code !== 'ERR_PALISADE_DENIED') throw e; } }
${TAIL}`,
    },
    prepare(),
  );
  t.equal(r.code, 0, `ran to its end (${r.stderr.slice(0, 300)})`);
  t.notMatch(output(r), SECRET);
  const { stats, internal, read } = report(r);
  t.equal(read, 'ERR_PALISADE_DENIED', 'every deny still denied');
  t.equal(stats.denied, 6);
  t.ok(stats.auditFailures >= 6, `each failed write counted (${stats.auditFailures})`);
  t.same(internal, ['audit log']);
  t.match(r.stderr, /PALISADE_INTERNAL_ERROR/, 'one process warning says so');
});

t.test('a policy reload that fails while the app runs', async (t) => {
  const r = await runProtected(
    {
      policy: POLICY,
      script: `${HEAD}
for (const bad of [{ version: 2 }, { version: 1, deny: { 'fs.raed': ['x'] } }]) {
  try { palisade.init({ policy: bad }); console.log(JSON.stringify({ reload: 'accepted' })); } catch (e) { console.log(JSON.stringify({ reload: e.code })); }
}
${TAIL}`,
    },
    prepare(),
  );
  t.equal(r.code, 0);
  t.same(
    r.json.filter((l) => 'reload' in l).map((l) => l.reload),
    ['ERR_PALISADE_POLICY', 'ERR_PALISADE_POLICY'],
  );
  const { stats, internal, read } = report(r);
  t.equal(read, 'ERR_PALISADE_DENIED', 'the running policy stayed in force');
  t.equal(stats.reloadErrors, 2);
  t.same(internal, ['policy reload']);
});

for (const setting of ['deny', 'allow', undefined] as const) {
  t.test(`a fault in a sensor's check (working directory deleted), onInternalError ${setting ?? 'default (enforce: deny)'}`, async (t) => {
    const r = await runProtected(
      {
        policy: { ...POLICY, ...(setting ? { onInternalError: setting } : {}) },
        script: `${HEAD}
const home = process.cwd();
fs.mkdirSync('gone');
process.chdir('gone');
fs.rmdirSync(home + '/gone');
let result;
try { fs.readFileSync('anything.txt'); result = 'read'; } catch (e) { result = { code: e.code, rule: e.rule ?? null }; }
process.chdir(home);
console.log(JSON.stringify({ result }));
${TAIL}`,
      },
      prepare(),
    );
    t.equal(r.code, 0, `ran to its end (${r.stderr.slice(0, 300)})`);
    const result = r.json.find((l) => 'result' in l)?.result;
    // Without Palisade Node reports ENOENT: nothing can be opened relative to a deleted directory.
    t.same(result, setting === 'allow' ? { code: 'ENOENT', rule: null } : { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' });
    const { stats, internal, read } = report(r);
    t.equal(read, 'ERR_PALISADE_DENIED', 'the policy still denies the secret afterwards');
    t.equal(stats.guardErrors, 1, 'the fault counted');
    t.same(internal, ['guard'], 'and reported');
    t.match(
      r.audit.find((l) => l.rule === 'internal-error'),
      { action: setting === 'allow' ? 'alert' : 'deny', capability: 'fs.read', target: 'anything.txt' },
      'and in the audit log',
    );
  });
}

t.test('regression: child processes from a deleted working directory run as in Node, and denied ones stay denied', async (t) => {
  const r = await runProtected(
    {
      policy: { ...POLICY, allow: { 'process.spawn': ['echo'] } },
      script: `${HEAD}
import cp from 'node:child_process';
const home = process.cwd();
fs.mkdirSync('gone');
process.chdir('gone');
fs.rmdirSync(home + '/gone');
const echo = cp.spawnSync('echo', ['hi']);
const touch = cp.spawnSync('touch', [home + '/made']);
process.chdir(home);
console.log(JSON.stringify({ echo: [echo.status, String(echo.stdout).trim()], touch: touch.error?.code ?? touch.status, echoError: echo.error?.code ?? null }));
${TAIL}`,
    },
    prepare(),
  );
  t.equal(r.code, 0, `ran to its end (${r.stderr.slice(0, 300)})`);
  t.same(r.json.find((l) => 'echo' in l), { echo: [0, 'hi'], touch: 'ERR_PALISADE_DENIED', echoError: null });
  t.notOk(existsSync(join(r.dir, 'made')), 'touch never ran');
});
