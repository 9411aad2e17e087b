import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { enforce, flush, init, on, run, shutdown, stats, verifyAuditLog } from '../src/index.js';
import { fresh, tempDir, thrown } from './helpers/index.js';

const GENESIS = '0'.repeat(64);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const records = (path: string) => lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);
const WRITER = fileURLToPath(new URL('./fixtures/audit-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

t.test('each record carries seq and the sha256 of the previous line of its chain', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  fresh(t, { mode: 'monitor', deny: { 'tool.call': ['shell'], 'fs.read': ['/etc/**'] }, audit: { path } }, { source: 'unit test' });
  await run({ agent: 'bot' }, async () => {
    enforce('tool.call', 'shell');
    enforce('fs.read', '/etc/passwd', 'fs.readFileSync');
  });
  enforce('tool.call', 'shell');
  flush();
  const ls = lines(path);
  const recs = records(path);
  t.equal(recs.length, 4);
  t.match(recs[0], { type: 'start', seq: 0, prev: GENESIS, pid: process.pid, mode: 'monitor', policySource: 'unit test', node: process.version });
  t.match(recs[0]!.policySha256, /^[0-9a-f]{64}$/);
  t.type(recs[0]!.palisade, 'string');
  t.match(recs[0]!.chain, /^[0-9a-f]{16}$/);
  for (let i = 1; i < recs.length; i++) {
    t.equal(recs[i]!.seq, i);
    t.equal(recs[i]!.chain, recs[0]!.chain);
    t.equal(recs[i]!.prev, sha256(ls[i - 1]!), `prev of line ${i + 1}`);
  }
  t.match(recs[2], { type: 'decision', action: 'alert', capability: 'fs.read', target: '/etc/passwd', rule: 'deny.fs.read[0]', api: 'fs.readFileSync', scope: { attributes: { agent: 'bot' } } });
  t.ok(Array.isArray(recs[2]!.stack) && (recs[2]!.stack as unknown[]).length > 0, 'the stack is recorded');
  t.same(verifyAuditLog(path), { ok: true, records: 4, chains: 1, recoveredTornLines: 0, problem: undefined });
});

t.test('a deny is on disk before the denied call returns', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  fresh(t, { deny: { 'tool.call': ['shell'] }, audit: { path } });
  for (let i = 0; i < 3; i++) {
    const err = thrown(t, () => enforce('tool.call', 'shell'));
    t.equal(err.code, 'ERR_PALISADE_DENIED');
    // Read at once: no flush, no waiting.
    const recs = records(path);
    t.equal(recs.length, 2 + i);
    t.match(recs[recs.length - 1], { action: 'deny', target: 'shell', seq: 1 + i });
  }
});

t.test('alerts are batched, and written in order before the next deny', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  fresh(t, { mode: 'monitor', deny: { 'tool.call': ['shell'] }, audit: { path } });
  enforce('tool.call', 'shell');
  enforce('tool.call', 'shell');
  t.equal(records(path).length, 0, 'alerts wait in memory (the start record too: it is batched)');
  flush();
  t.same(records(path).map((r) => r.action ?? r.type), ['start', 'alert', 'alert'], 'flush() writes them');
  const rt = fresh(t, { deny: { 'tool.call': ['shell'] }, audit: { path } });
  rt.recorder.recordDetection({ detector: 'pii', rule: 'email', action: 'alert', source: 'llm.input' }, undefined);
  t.equal(records(path).length, 3, "a detection alert waits too, with the new chain's start record");
  thrown(t, () => enforce('tool.call', 'shell'));
  t.same(records(path).map((r) => r.action ?? r.type).slice(3), ['start', 'alert', 'deny'], 'the deny wrote the pending record first');
  t.ok(verifyAuditLog(path).ok);
});

t.test('regression: a new policy on the same audit path starts a chain that states it', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  const policy = { version: 1, mode: 'monitor', deny: { 'tool.call': ['x'] }, audit: { path } };
  fresh(t, policy);
  init({ env: {}, policy });
  flush();
  t.equal(records(path).length, 1, 'the same policy again: the chain goes on');
  init({ env: {}, policy: { ...policy, mode: 'enforce', deny: { 'tool.call': ['y'] } } });
  init({ env: {}, policy: { ...policy, mode: 'enforce', deny: { 'tool.call': ['y'] }, audit: { path, fsync: true } } });
  thrown(t, () => enforce('tool.call', 'y'));
  const recs = records(path);
  t.same(recs.map((r) => [r.type, r.mode, r.seq]), [
    ['start', 'monitor', 0],
    ['start', 'enforce', 0],
    ['start', 'enforce', 0],
    ['decision', 'enforce', 1],
  ]);
  t.not(recs[0]!.policySha256, recs[1]!.policySha256);
  t.same(verifyAuditLog(path), { ok: true, records: 4, chains: 3, recoveredTornLines: 0, problem: undefined });
});

t.test('learned operations go to the audit log', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  fresh(t, { mode: 'learn', audit: { path } });
  enforce('tool.call', 'search');
  enforce('tool.call', 'search');
  flush();
  t.match(records(path).slice(1), [{ action: 'allow', target: 'search', learned: true }]);
  t.equal(records(path).length, 2);
  t.equal(stats()?.learned, 1);
});

t.test('shutdown closes the chain; the next init starts another in the same file', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  fresh(t, { mode: 'monitor', deny: { 'tool.call': true }, audit: { path } });
  enforce('tool.call', 'a');
  shutdown();
  t.equal(records(path).length, 2, 'pending alerts are written on shutdown');
  fresh(t, { mode: 'monitor', deny: { 'tool.call': true }, audit: { path, fsync: true } });
  enforce('tool.call', 'b');
  shutdown();
  const recs = records(path);
  t.equal(recs.length, 4);
  t.not(recs[0]!.chain, recs[2]!.chain);
  t.same(verifyAuditLog(path), { ok: true, records: 4, chains: 2, recoveredTornLines: 0, problem: undefined });
});

t.test('audit paths: placeholders, relative to the working directory, moved by a new policy, or off', async (t) => {
  const dir = tempDir(t);
  const rt = fresh(t, { audit: { path: 'logs/a.jsonl' } }, { cwd: dir });
  t.equal(rt.recorder.auditPath, join(dir, 'logs', 'a.jsonl'), 'relative to cwd; directories are created');
  t.ok(existsSync(join(dir, 'logs', 'a.jsonl')));
  init({ env: {}, cwd: dir, policy: { version: 1, audit: { path: '${cwd}/b.jsonl' } } });
  t.equal(rt.recorder.auditPath, join(dir, 'b.jsonl'));
  init({ env: {}, cwd: dir, policy: { version: 1, audit: false } });
  t.equal(rt.recorder.auditPath, undefined);
  init({ env: {}, cwd: dir, policy: { version: 1 } });
  t.equal(rt.recorder.auditPath, undefined, 'no audit entry: no log');
});

t.test('alerts still pending at exit are written', async (t) => {
  const dir = tempDir(t);
  t.ok(existsSync(DIST), 'the package is built');
  for (const how of ['end', 'exit', 'throw']) {
    const path = join(dir, `${how}.jsonl`);
    const r = spawnSync(process.execPath, [WRITER, path, how, '3'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    t.equal(r.status, how === 'end' ? 0 : how === 'exit' ? 3 : 1, `${how}: exit code`);
    const recs = records(path);
    t.same(recs.map((x) => x.action ?? x.type), ['start', 'alert', 'alert', 'alert'], `${how}: every alert is on disk`);
    t.ok(verifyAuditLog(path).ok);
  }
});

t.test('an unwritable audit path is counted and reported, never thrown into the app', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'file'), '');
  const errors: Array<[string, string]> = [];
  t.teardown(on('internal-error', (e, c) => errors.push([c.source, (e as NodeJS.ErrnoException).code ?? e.message])));
  fresh(t, { deny: { 'tool.call': ['shell'] }, audit: { path: join(dir, 'file', 'audit.jsonl') } });
  t.equal(stats()?.auditFailures, 1);
  t.match(errors, [['audit log', /^(ENOTDIR|EEXIST)$/]]);
  t.equal(errors.length, 1);
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED', 'the deny still works');
  t.equal(stats()?.denied, 1);
  const dirAsFile = dir;
  init({ env: {}, policy: { version: 1, deny: { 'tool.call': ['shell'] }, audit: { path: dirAsFile } } });
  t.equal(stats()?.auditFailures, 2);
  t.equal(errors[1]?.[1], 'EISDIR');
});

t.test('audit writes that fail are counted and reported, never thrown into the app', { skip: !existsSync('/dev/full') && 'needs /dev/full' }, async (t) => {
  const errors: string[] = [];
  t.teardown(on('internal-error', (e, c) => errors.push(`${c.source}: ${(e as NodeJS.ErrnoException).code}`)));
  fresh(t, { deny: { 'tool.call': ['shell'] }, audit: { path: '/dev/full' } });
  t.equal(stats()?.auditFailures, 0, 'the start record waits for its batch');
  await new Promise((r) => setTimeout(r, 250));
  t.equal(stats()?.auditFailures, 1, 'the start record could not be written: reported when its batch was');
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
  t.equal(stats()?.auditFailures, 2);
  t.equal(stats()?.auditDropped, 0, 'kept for a later attempt while within bounds');
  t.same(errors, ['audit log: ENOSPC', 'audit log: ENOSPC']);
  shutdown();
});
