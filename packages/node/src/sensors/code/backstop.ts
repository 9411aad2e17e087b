import { isMainThread } from 'node:worker_threads';
import { activeRuntime } from '@palisade/core';
import { warnOnce } from './common.js';

/**
 * The backstop for `code.eval: false`: `--disallow-code-generation-from-strings`
 * makes V8 itself refuse eval and every Function constructor, for references
 * taken before Palisade loaded too, in the main thread and every worker. It
 * must be given when Node starts (the V8 flag set at runtime leaves the main
 * context as it was); Palisade says so once when the policy denies code.eval
 * whole and the flag is missing.
 */
// Bound at load, before the code sensors replace Function.
const OriginalFunction = Function;

export function codegenFromStringsDisallowed(): boolean {
  try {
    new OriginalFunction('');
    return false;
  } catch {
    return true;
  }
}

export function adviseBackstop(): void {
  const rt = activeRuntime();
  if (!rt || !isMainThread || rt.mode !== 'enforce') return;
  if (rt.policy.allow?.['code.eval'] !== false || codegenFromStringsDisallowed()) return;
  warnOnce(
    'PALISADE_CODEGEN_BACKSTOP',
    'the policy denies code.eval: Palisade blocks eval and new Function as the app reaches them; to also stop references taken before Palisade loaded, start Node with --disallow-code-generation-from-strings (e.g. NODE_OPTIONS="--disallow-code-generation-from-strings --import palisade/register")',
  );
}
