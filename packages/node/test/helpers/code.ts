/** Shared helpers for the code sensor unit tests (vm, eval, workers, native). */
import type { Test } from 'tap';
import { type DecisionRecord, init, on, shutdown } from '@palisade/core';

/** Makes `policy` (version 1, enforce unless it says otherwise, no audit log) the process's policy until the test ends. */
export function usePolicy(t: Test, policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
  t.teardown(() => shutdown());
}

/** Every decision recorded while the test runs. */
export function recorded(t: Test): DecisionRecord[] {
  const list: DecisionRecord[] = [];
  const off = on('decision', (r) => list.push(r));
  t.teardown(off);
  return list;
}

/** The error `fn` throws (fails the test when it throws nothing). */
export function thrown(t: Test, fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    return err as Record<string, unknown>;
  }
  t.fail('expected a throw');
  return {};
}

/** Asserts `fn` throws PalisadeDeniedError for `capability` `target`. */
export function assertDenied(t: Test, fn: () => unknown, capability: string, target: string, msg?: string): void {
  const err = thrown(t, fn);
  t.match(err, { code: 'ERR_PALISADE_DENIED', name: 'PalisadeDeniedError', capability, target }, msg ?? `${capability} ${target} denied`);
}
