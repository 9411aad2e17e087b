/** Shared helpers for the core tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import {
  Guard,
  type InitOptions,
  type PlaceholderValues,
  type PolicyView,
  type Runtime,
  compilePolicy,
  init,
  shutdown,
  validatePolicy,
} from '../../src/index.js';

/** Placeholder values that do not depend on the machine the tests run on. */
export const VALUES: PlaceholderValues = { cwd: '/srv/app', home: '/home/alice', tmp: '/tmp' };

/** Directories whose programs a bare command name stands for, in these tests. */
export const TRUSTED: ReadonlySet<string> = new Set(['/usr/bin', '/bin']);

/** A guard for `policy` (version 1 added), with fixed placeholders and trusted dirs. */
export function guardOf(policy: Record<string, unknown>, values: PlaceholderValues = VALUES, trustedDirs = TRUSTED): Guard {
  return new Guard(compilePolicy(validatePolicy({ version: 1, ...policy }), { values, trustedDirs }));
}

/** The base view of `guardOf(policy)`. */
export function viewOf(policy: Record<string, unknown>, values: PlaceholderValues = VALUES, trustedDirs = TRUSTED): PolicyView {
  return guardOf(policy, values, trustedDirs).base;
}

/** A temporary directory removed when the test ends. */
export function tempDir(t: Test, prefix = 'palisade-core-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh runtime for one test: whatever was active is shut down, the policy
 * (version 1 added) is installed with an empty environment, and it is shut
 * down again when the test ends.
 */
export function fresh(t: Test, policy: Record<string, unknown>, options: Omit<InitOptions, 'policy'> = {}): Runtime {
  shutdown();
  const rt = init({ env: {}, ...options, policy: { version: 1, ...policy } });
  t.teardown(shutdown);
  return rt;
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(t: Test, fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  t.fail('expected a throw');
  return new Error('did not throw') as Error & Record<string, unknown>;
}

/** The problems of the PalisadePolicyError `fn` throws. */
export function problemsOf(t: Test, fn: () => unknown): readonly string[] {
  const err = thrown(t, fn);
  t.equal(err.code, 'ERR_PALISADE_POLICY', 'a PalisadePolicyError');
  return (err.problems as readonly string[] | undefined) ?? [];
}
