/** Shared pieces of the child_process bypass tests. */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Test } from 'tap';
import { type ProtectedRun, type RunOptions, cleanup, runProtected } from '../helpers/protected.js';

export const SECRET = 'TOP-SECRET-SPAWN-5c1e';

/**
 * Programs the bypass policies allow: shells, wrappers and interpreters (so
 * each technique is judged on what it runs inside them), never `touch`.
 */
export const ALLOWED = ['sh', 'bash', 'dash', 'zsh', 'busybox', 'env', 'echo', 'cat', 'true', 'nohup', 'timeout', 'xargs', 'find', 'git', 'python3', 'node', process.execPath];

/** Enforce mode, audit log in the working directory, `touch` not allowed, secret.txt unreadable. */
export function policy(extra: Record<string, unknown> = {}, allow: readonly string[] = ALLOWED): Record<string, unknown> {
  return {
    version: 1,
    mode: 'enforce',
    audit: { path: './palisade-audit.jsonl' },
    allow: { 'process.spawn': allow },
    deny: { 'fs.read': ['**/secret.txt'] },
    ...extra,
  };
}

/** Runs the script protected; the working directory is removed when the test ends. */
export async function run(t: Test, opts: RunOptions): Promise<ProtectedRun> {
  const r = await runProtected({ files: { 'secret.txt': SECRET }, ...opts });
  t.teardown(() => cleanup(r.dir));
  return r;
}

export function exists(r: ProtectedRun, name: string): boolean {
  return existsSync(join(r.dir, name));
}

/** Script prelude (ESM): `attempt(step, fn)` awaits fn and prints {"step", "ok"|"code", "target"} as one JSON line. */
export const ATTEMPT = `
const attempt = async (step, fn) => {
  try { const value = await fn(); console.log(JSON.stringify({ step, ok: true, value: value === undefined ? null : String(value) })); }
  catch (e) { console.log(JSON.stringify({ step, ok: false, code: e && (e.code ?? e.name), rule: e && e.rule, target: e && e.target })); }
};
const settled = (child) => new Promise((resolve, reject) => { child.on('error', reject); child.on('close', resolve); });
`;

export function step(r: ProtectedRun, name: string): Record<string, unknown> | undefined {
  return r.json.find((j) => j.step === name);
}

/** Denied process.spawn audit records. */
export function spawnDenies(r: ProtectedRun): Array<Record<string, unknown>> {
  return r.audit.filter((a) => a.type === 'decision' && a.action === 'deny' && a.capability === 'process.spawn');
}

/**
 * The common assertion: the step failed with a Palisade denial, the marker
 * file the technique would have created does not exist, and the deny is in
 * the audit log.
 */
export function assertBlocked(t: Test, r: ProtectedRun, name: string, target?: RegExp, marker = 'marker'): void {
  t.notOk(exists(r, marker), `${name}: the command did not run (no ${marker})`);
  t.match(step(r, name), { ok: false, code: 'ERR_PALISADE_DENIED' }, `${name}: failed with ERR_PALISADE_DENIED`);
  t.ok(spawnDenies(r).some((d) => !target || target.test(String(d.target))), `${name}: deny recorded${target ? ` for ${target}` : ''}`);
  if (!exists(r, marker) && !step(r, name)) t.comment(r.stderr);
}

/** Absolute path of a program on PATH, or undefined (tests that need it skip, saying so). */
export function which(program: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    const p = join(d, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
