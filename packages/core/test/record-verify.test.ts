import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { AuditLog, verifyAuditLog } from '../src/index.js';
import { tempDir } from './helpers/index.js';

const WRITER = fileURLToPath(new URL('./fixtures/audit-writer.mjs', import.meta.url));

/** A log of one chain: the start record and `n` decisions. Returns its lines. */
function makeLog(path: string, n: number): string[] {
  rmSync(path, { force: true });
  const log = new AuditLog(path, { start: { mode: 'enforce' } });
  for (let i = 0; i < n; i++) log.append({ type: 'decision', action: 'deny', target: `t${i}` }, i % 2 === 0);
  log.close();
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

const write = (path: string, ls: string[], end = '\n') => writeFileSync(path, ls.join('\n') + end);

t.test('an intact log verifies', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  makeLog(path, 5);
  t.same(verifyAuditLog(path), { ok: true, records: 6, chains: 1, recoveredTornLines: 0, problem: undefined });
  const empty = join(tempDir(t), 'empty.jsonl');
  writeFileSync(empty, '');
  t.same(verifyAuditLog(empty), { ok: true, records: 0, chains: 0, recoveredTornLines: 0, problem: undefined });
});

t.test('an edited record is reported where the chain breaks', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const ls = makeLog(path, 5);
  ls[2] = ls[2]!.replace('"action":"deny"', '"action":"allow"');
  write(path, ls);
  const v = verifyAuditLog(path);
  t.equal(v.ok, false);
  t.match(v.problem, { kind: 'tampered', line: 4, seq: 3 });
  t.match(v.problem?.message, /prev does not match the hash of record seq 2 \(it or this record was changed\)/);
  t.equal(v.records, 3, 'records before the break checked out');
  // A record whose own prev was rewritten is caught at that record.
  const ls2 = makeLog(path, 3);
  ls2[2] = ls2[2]!.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${'1'.repeat(64)}"`);
  write(path, ls2);
  t.match(verifyAuditLog(path).problem, { kind: 'tampered', line: 3, seq: 2 });
});

t.test('reordered records are reported', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const ls = makeLog(path, 5);
  [ls[2], ls[3]] = [ls[3]!, ls[2]!];
  write(path, ls);
  t.match(verifyAuditLog(path).problem, { kind: 'reordered', line: 3, seq: 3, message: /seq 3 follows seq 1/ });
  const dup = makeLog(path, 3);
  write(path, [...dup.slice(0, 3), dup[2]!, ...dup.slice(3)]);
  t.match(verifyAuditLog(path).problem, { kind: 'reordered', line: 4, seq: 2 }, 'a replayed record');
});

t.test('missing records are reported', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const ls = makeLog(path, 5);
  write(path, [...ls.slice(0, 2), ...ls.slice(3)]);
  t.match(verifyAuditLog(path).problem, { kind: 'missing', line: 3, seq: 3 });
  write(path, ls.slice(1));
  t.match(verifyAuditLog(path).problem, { kind: 'missing', line: 1, seq: 1, message: /starts at seq 1: earlier records are missing/ }, 'the start record removed');
});

t.test('a torn last line is reported as truncated', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const ls = makeLog(path, 3);
  write(path, [...ls.slice(0, 3), ls[3]!.slice(0, 40)], '');
  const v = verifyAuditLog(path);
  t.match(v.problem, { kind: 'truncated', line: 4, message: 'the last record is cut off (incomplete line)' });
  t.equal(v.records, 3);
});

t.test('garbage inside the log is malformed', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const ls = makeLog(path, 3);
  write(path, [ls[0]!, 'not json', ls[1]!]);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 2 });
  write(path, [ls[0]!, '{"x":1}']);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 2, message: 'record lacks seq, chain or prev' });
  write(path, [ls[0]!, '42']);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 2 });
  write(path, [ls[0]!, 'torn', 'torn again']);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 3 });
  write(path, [ls[0]!, ls[1]!, 'torn']);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 3 }, 'a bad line with a newline after it is not a torn tail');
});

t.test('a torn line is accepted only when the next writer acknowledges it', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a.jsonl');
  const ls = makeLog(path, 3);
  // A writer killed mid-line leaves no newline; the next one to open the file closes the line and says so.
  write(path, [...ls.slice(0, 3), ls[3]!.slice(0, 50)], '');
  const next = new AuditLog(path, { start: { mode: 'enforce' } });
  next.append({ type: 'decision', action: 'deny' }, true);
  next.close();
  const after = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  t.match(JSON.parse(after[4]!), { type: 'start', seq: 0, recoveredTornTail: true });
  t.same(verifyAuditLog(path), { ok: true, records: 5, chains: 2, recoveredTornLines: 1, problem: undefined });
  // The same torn line followed by anything else is not accepted.
  write(path, [...ls.slice(0, 3), ls[3]!.slice(0, 50), after[5]!]);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 4 });
  const plainStart = after[4]!.replace('"recoveredTornTail":true,', '');
  write(path, [...ls.slice(0, 3), ls[3]!.slice(0, 50), plainStart]);
  t.match(verifyAuditLog(path).problem, { kind: 'malformed', line: 4 }, 'a start record that does not acknowledge it');
});

t.test('two writers appending to one file keep two chains', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const a = new AuditLog(path);
  const b = new AuditLog(path);
  for (let i = 0; i < 20; i++) {
    a.append({ type: 'decision', n: i }, i % 3 === 0);
    b.append({ type: 'decision', n: i }, i % 2 === 0);
  }
  a.close();
  b.close();
  t.same(verifyAuditLog(path), { ok: true, records: 42, chains: 2, recoveredTornLines: 0, problem: undefined });
  a.append({ type: 'late' }, true);
  t.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 42, 'a closed log writes nothing');
});

t.test('two processes appending at once keep two intact chains', async (t) => {
  const path = join(tempDir(t), 'a.jsonl');
  const child = () =>
    new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [WRITER, path, 'denies', '300'], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
      c.on('exit', resolve);
    });
  t.same(await Promise.all([child(), child()]), [0, 0]);
  const v = verifyAuditLog(path);
  t.same(v, { ok: true, records: 602, chains: 2, recoveredTornLines: 0, problem: undefined });
  // Then a third process edits nothing but appends junk: caught.
  appendFileSync(path, '{"seq":5,"chain":"0000000000000000","prev":"x"}\n');
  t.match(verifyAuditLog(path).problem, { kind: 'missing', line: 603 });
});
