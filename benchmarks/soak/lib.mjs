/**
 * The soak and durability harness, shared by `npm run bench:soak` (full sizes,
 * writes benchmarks/results/soak.md) and test/reliability (reduced sizes).
 * Every app runs in a real child process under `node --import palisade/register`
 * in a fresh temporary directory; loopback only; every loop bounded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog, verifyAuditLog } from '@palisade/core';

export const REGISTER = import.meta.resolve('palisade/register');
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

/** The environment for an app: the caller's, minus test-runner and Palisade settings. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TAP') || k.startsWith('_TAPJS') || k.startsWith('PALISADE_') || k === 'NODE_OPTIONS' || k === 'NODE_V8_COVERAGE') delete env[k];
  return { ...env, ...extra };
}

/** A small deterministic generator (runs are reproducible from their number). */
export function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

// ---- audit durability ----

export const DURABILITY_POLICY = {
  version: 1,
  mode: 'enforce',
  deny: { 'fs.read': ['**/denied-*'] },
  detect: { 'dangerous-code': 'alert' },
  audit: { path: './palisade-audit.jsonl' },
};

/**
 * One durability run: start the app, SIGKILL it `delayMs` after it reports
 * ready, then check the log: `verifyAuditLog` accepts every complete record
 * and reports at most the torn last line; every deny the app printed is in
 * the log; the next writer recovers the torn line and the file verifies.
 */
export async function durabilityRun(n, { minDelayMs = 30, maxDelayMs = 400 } = {}) {
  const random = prng(0x9e3779b9 ^ (n * 2654435761));
  const delayMs = Math.round(minDelayMs + random() * (maxDelayMs - minDelayMs));
  const dir = mkdtempSync(join(tmpdir(), 'palisade-durability-'));
  try {
    writeFileSync(join(dir, 'palisade.policy.json'), JSON.stringify(DURABILITY_POLICY));
    const child = spawn(process.execPath, ['--import', REGISTER, join(APPS, 'durability-app.mjs')], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`app not ready in 20 s: ${stderr.slice(0, 500)}`)), 20_000);
      const check = () => {
        if (stdout.includes('ready\n')) {
          clearTimeout(guard);
          child.stdout.off('data', check);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.on('close', () => {
        clearTimeout(guard);
        reject(new Error(`app exited before it was killed: ${stderr.slice(0, 500)}`));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGKILL');
    const { signal } = await exited;
    const printed = [...stdout.matchAll(/^D (\d+)$/gm)].map((m) => Number(m[1]));
    const path = join(dir, 'palisade-audit.jsonl');
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const torn = text.length > 0 && !text.endsWith('\n');
    const complete = (torn ? text.slice(0, text.lastIndexOf('\n') + 1) : text).split('\n').filter(Boolean);
    const records = complete.map((l) => JSON.parse(l));
    const deniedTargets = new Set(records.filter((r) => r.type === 'decision' && r.action === 'deny').map((r) => Number(/denied-(\d+)\.txt$/.exec(r.target)?.[1])));
    const missing = printed.filter((i) => !deniedTargets.has(i));
    const verification = verifyAuditLog(path);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const problem = verification.problem;
    const acceptable = verification.ok || (problem?.kind === 'truncated' && problem.line === lines && torn);
    // The next writer to open the file closes the torn line; the whole file must then verify.
    new AuditLog(path, { start: { note: 'next writer' } }).close();
    const after = verifyAuditLog(path);
    return {
      n,
      delayMs,
      killedBy: signal,
      records: records.length,
      denies: records.filter((r) => r.action === 'deny').length,
      alerts: records.filter((r) => r.type === 'detection').length,
      printed: printed.length,
      missing: missing.length,
      torn,
      verifiedRecords: verification.records,
      problem: problem ? `${problem.kind} at line ${problem.line}` : null,
      acceptable,
      recoveredOk: after.ok,
      recoveredTornLines: after.recoveredTornLines,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function durabilityRuns(count, onRun = () => {}) {
  const results = [];
  for (let n = 0; n < count; n++) {
    const r = await durabilityRun(n);
    onRun(r);
    results.push(r);
  }
  return results;
}

// ---- load: concurrent runs and heap ----

/** Runs a load app in a child process (with --expose-gc) and returns the JSON report it prints last. */
export async function loadApp(app, env) {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-soak-'));
  try {
    writeFileSync(join(dir, 'palisade.policy.json'), JSON.stringify(LOAD_POLICY));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'notes.txt'), 'notes');
    writeFileSync(join(dir, 'secret-key.txt'), 'secret');
    const child = spawn(process.execPath, ['--expose-gc', '--import', REGISTER, join(APPS, app)], { cwd: dir, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (code !== 0 || !last) throw new Error(`${app} failed (exit ${code}): ${stderr.slice(0, 2000)}`);
    return JSON.parse(last);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs named `reader-*` and `writer-*` (a scope overlay lets writers write under
 * out/); fetching a page labels a run `untrusted`, and an untrusted run may not
 * write (a flow). Secrets are never readable.
 */
export const LOAD_POLICY = {
  version: 1,
  mode: 'enforce',
  allow: {
    'tool.call': ['search', 'fetch_page', 'summarize', 'write_report'],
    'fs.write': [],
  },
  deny: { 'fs.read': ['**/secret-*'] },
  trust: { untrusted: { 'tool.call': ['fetch_page'] } },
  flows: [{ name: 'no-writes-after-untrusted-input', when: ['untrusted'], deny: ['fs.write'] }],
  scopes: [{ name: 'writers', match: { agent: 'writer-*' }, allow: { 'fs.write': ['${cwd}/out/**'] } }],
  audit: { path: './palisade-audit.jsonl' },
};

/**
 * Heap figures of a heap-app report: warm-up is the first `warmFraction` of
 * the checkpoints (the bounded caches fill once, then clear and refill);
 * after it the heap must stay within the same band: the ceiling of the last
 * third of the checkpoints is compared with the ceiling of the middle third
 * (a leak raises the ceiling; filling and clearing caches does not), and a
 * least-squares slope is reported in bytes per decision.
 */
export function heapFigures(report, warmFraction = 0.3) {
  const points = report.heap;
  const start = Math.max(1, Math.floor(points.length * warmFraction));
  const after = points.slice(start);
  const third = Math.max(1, Math.floor(after.length / 3));
  const ceiling = (list) => Math.max(...list.map((p) => p.heapUsed));
  const middle = after.slice(third, 2 * third);
  const last = after.slice(-third);
  const n = after.length;
  const mx = after.reduce((s, p) => s + p.decisions, 0) / n;
  const my = after.reduce((s, p) => s + p.heapUsed, 0) / n;
  const slope = after.reduce((s, p) => s + (p.decisions - mx) * (p.heapUsed - my), 0) / Math.max(1, after.reduce((s, p) => s + (p.decisions - mx) ** 2, 0));
  return {
    decisions: report.decisions,
    startHeap: points[0].heapUsed,
    afterWarmUp: after[0].heapUsed,
    warmUpDecisions: after[0].decisions,
    min: Math.min(...after.map((p) => p.heapUsed)),
    max: ceiling(after),
    final: points[points.length - 1].heapUsed,
    middleCeiling: ceiling(middle.length > 0 ? middle : after),
    lastCeiling: ceiling(last),
    ceilingGrowth: ceiling(last) - ceiling(middle.length > 0 ? middle : after),
    slopeBytesPerDecision: slope,
  };
}
