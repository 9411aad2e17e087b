/** Shared pieces of the code bypass tests (vm, eval, workers, native). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { type ProtectedRun, type RunOptions, cleanup, runProtected } from '../helpers/protected.js';

export const SECRET = 'TOP-SECRET-CODE-7f3a';

/** Runs the script protected; the working directory is removed when the test ends. */
export async function run(t: Test, opts: RunOptions): Promise<ProtectedRun> {
  const r = await runProtected(opts);
  t.teardown(() => cleanup(r.dir));
  return r;
}

export function exists(r: ProtectedRun, name: string): boolean {
  return existsSync(join(r.dir, name));
}

/** A policy in enforce mode with an audit log in the working directory. */
export function policy(rules: Record<string, unknown>): Record<string, unknown> {
  return { version: 1, mode: 'enforce', audit: { path: './palisade-audit.jsonl' }, ...rules };
}

/** Script prelude: `attempt(name, fn)` prints {"step", "ok"} or {"step", "code"} as one JSON line. */
export const ATTEMPT = `
const attempt = async (step, fn) => {
  try { const value = await fn(); console.log(JSON.stringify({ step, ok: true, value: value === undefined ? null : String(value) })); }
  catch (e) { console.log(JSON.stringify({ step, ok: false, code: e && (e.code || e.name), capability: e && e.capability, target: e && e.target })); }
};
`;

/** The JSON line a script printed for `step`. */
export function step(r: ProtectedRun, name: string): Record<string, unknown> | undefined {
  return r.json.find((j) => j.step === name);
}

/** Denied audit records for a capability. */
export function denies(r: ProtectedRun, capability: string): Array<Record<string, unknown>> {
  return r.audit.filter((a) => a.type === 'decision' && a.action === 'deny' && a.capability === capability);
}
