import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import {
  type DecisionRecord,
  type DetectionRecord,
  activeRuntime,
  captureAppFrames,
  enforce,
  flush,
  label,
  markInternalDir,
  off,
  on,
  run,
  shutdown,
  stats,
  tool,
} from '../src/index.js';
import { fresh, thrown } from './helpers/index.js';
import { enforceThrough } from './helpers/through.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const CORE_SRC = fileURLToPath(new URL('../src/', import.meta.url));

function collect(t: Test): DecisionRecord[] {
  const records: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => records.push(r)));
  return records;
}

t.test('listeners get every deny and alert, with scope and the application stack', async (t) => {
  fresh(t, { deny: { 'fs.read': ['/etc/shadow'] }, allow: { 'tool.call': ['search'] } });
  const records = collect(t);
  function readShadow() {
    return enforce('fs.read', '/etc/shadow', 'fs.readFileSync');
  }
  await run({ agent: 'bot', user: 'u1' }, async () => {
    label('untrusted');
    await tool('search', async () => {
      t.equal(thrown(t, readShadow).code, 'ERR_PALISADE_DENIED');
    })();
  });
  t.equal(records.length, 1);
  const r = records[0]!;
  t.match(r, {
    type: 'decision',
    action: 'deny',
    capability: 'fs.read',
    target: '/etc/shadow',
    rule: 'deny.fs.read[0]',
    reason: 'matches deny entry "/etc/shadow"',
    mode: 'enforce',
    api: 'fs.readFileSync',
  });
  t.type(r.time, 'number');
  t.ok(Math.abs(r.time - Date.now()) < 60_000, 'time is epoch milliseconds');
  t.match(r.scope, { kind: 'tool', tool: 'search', attributes: { agent: 'bot', user: 'u1', tool: 'search' }, labels: ['untrusted'] });
  t.not(r.scope?.runId, r.scope?.id, 'the run is the tool scope’s parent');
  const top = r.stack?.[0];
  t.equal(top?.file, THIS_FILE, 'the first frame is the application’s');
  t.equal(top?.function, 'readShadow');
  t.type(top?.line, 'number');
  t.type(top?.column, 'number');
  t.notOk(r.stack?.some((f) => f.file.startsWith(CORE_SRC)), 'no Palisade frame');
  t.notOk(r.stack?.some((f) => f.file.startsWith('node:')), 'no Node internals');
  // Alerts too, and outside any scope.
  fresh(t, { mode: 'monitor', deny: { 'fs.read': ['/etc/shadow'] } });
  t.equal(enforce('fs.read', '/etc/shadow').action, 'alert');
  t.equal(records.length, 2);
  t.match(records[1], { action: 'alert', rule: 'deny.fs.read[0]', mode: 'monitor', scope: undefined });
  t.equal(records[1]!.stack?.[0]?.file, THIS_FILE);
});

t.test('regression: the package’s own test files are application frames, its sources are not', async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'tool.call': true } });
  const records = collect(t);
  enforce('tool.call', 'x');
  t.equal(records[0]?.stack?.[0]?.file, THIS_FILE);
  t.notOk(records[0]?.stack?.some((f) => f.file.startsWith(CORE_SRC)));
});

t.test('allowed operations are not recorded in enforce mode', async (t) => {
  fresh(t, { allow: { 'tool.call': ['search'] } });
  const records = collect(t);
  enforce('tool.call', 'search');
  enforce('fs.read', '/x');
  t.same(records, []);
  t.same(stats(), { recorded: 0, denied: 0, alerted: 0, learned: 0, detections: 0, listenerErrors: 0, telemetryErrors: 0, spansLost: 0, auditFailures: 0, auditDropped: 0, guardErrors: 0, reloadErrors: 0, internalErrors: 0 });
});

t.test('on() returns a remover; off() removes; listeners outlive policy swaps', async (t) => {
  let n = 0;
  const listener = () => n++;
  const remove = on('decision', listener);
  fresh(t, { deny: { 'tool.call': true } });
  thrown(t, () => enforce('tool.call', 'a'));
  fresh(t, { deny: { 'tool.call': true }, mode: 'monitor' });
  enforce('tool.call', 'a');
  t.equal(n, 2, 'registered before init, kept across init');
  remove();
  enforce('tool.call', 'a');
  t.equal(n, 2);
  on('decision', listener);
  off('decision', listener);
  enforce('tool.call', 'a');
  t.equal(n, 2);
  t.throws(() => on('decisions' as 'decision', listener), TypeError);
});

t.test('a throwing listener never breaks the app or the guard', async (t) => {
  fresh(t, { deny: { 'tool.call': ['shell'] } });
  const seen: string[] = [];
  const internal: Array<[string, string]> = [];
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(String(w.code));
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  t.teardown(on('decision', () => {
    throw new Error('listener bug');
  }));
  t.teardown(on('decision', () => {
    throw 'not even an Error';
  }));
  t.teardown(on('decision', (r) => seen.push(r.target)));
  t.teardown(on('internal-error', (err, ctx) => internal.push([ctx.source, err.message])));
  t.teardown(on('internal-error', () => {
    throw new Error('error listener bug');
  }));
  for (let i = 0; i < 3; i++) {
    const err = thrown(t, () => enforce('tool.call', 'shell'));
    t.equal(err.code, 'ERR_PALISADE_DENIED', 'the app sees the deny, not the listener error');
  }
  t.equal(enforce('tool.call', 'ok').action, 'allow', 'the guard still decides');
  t.same(seen, ['shell', 'shell', 'shell'], 'the other listeners still ran');
  t.equal(stats()?.listenerErrors, 6);
  t.equal(stats()?.internalErrors, 6);
  t.equal(stats()?.denied, 3);
  t.same(internal.slice(0, 2), [
    ['decision listener', 'listener bug'],
    ['decision listener', 'not even an Error'],
  ]);
  await new Promise((r) => setImmediate(r));
  t.same(warnings.filter((w) => w === 'PALISADE_INTERNAL_ERROR'), ['PALISADE_INTERNAL_ERROR'], 'one process warning per source, not per error');
});

t.test('detection records go to detection listeners, failures counted', async (t) => {
  const rt = fresh(t, {});
  const got: DetectionRecord[] = [];
  t.teardown(on('detection', (r) => got.push(r)));
  t.teardown(on('detection', () => {
    throw new Error('bad');
  }));
  const rec = run({ agent: 'x' }, () => rt.recorder.recordDetection({ detector: 'secrets', rule: 'aws-key', action: 'redact', source: 'llm.input', evidence: 'AKIA…' }, undefined));
  t.equal(got.length, 1);
  t.equal(got[0], rec);
  t.match(rec, { type: 'detection', detector: 'secrets', action: 'redact', source: 'llm.input' });
  t.equal(rec.stack?.[0]?.file, THIS_FILE);
  t.equal(stats()?.detections, 1);
  t.equal(stats()?.listenerErrors, 1);
});

t.test('stack capture leaves the app’s own stack settings alone', async (t) => {
  const prepare = (_e: Error, sites: NodeJS.CallSite[]) => `custom ${sites.length}`;
  const before = Error.prepareStackTrace;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = 7;
  t.teardown(() => {
    Error.prepareStackTrace = before;
    Error.stackTraceLimit = 10;
  });
  const frames = captureAppFrames();
  t.equal(frames[0]?.file, THIS_FILE);
  t.equal(Error.prepareStackTrace, prepare);
  t.equal(Error.stackTraceLimit, 7);
  t.match(new Error('x').stack, /^custom \d+$/);
  t.equal(captureAppFrames(1).length, 1, 'the frame count can be limited');
});

t.test('frames of a directory marked internal are dropped', async (t) => {
  fresh(t, { deny: { 'tool.call': true }, mode: 'monitor' });
  const records = collect(t);
  enforceThrough('tool.call', 'x');
  t.equal(records[0]?.stack?.[0]?.file, fileURLToPath(new URL('./helpers/through.ts', import.meta.url)));
  markInternalDir(new URL('./helpers/', import.meta.url));
  markInternalDir(fileURLToPath(new URL('./helpers', import.meta.url)));
  enforceThrough('tool.call', 'x');
  t.equal(records[1]?.stack?.[0]?.file, THIS_FILE, 'the marked helper frame is skipped');
});

t.test('stats() and flush() without a runtime', async (t) => {
  shutdown();
  t.equal(stats(), undefined);
  t.equal(activeRuntime(), undefined);
  flush();
  t.throws(() => enforce('fs.read', '/x'), /needs a policy/);
});
