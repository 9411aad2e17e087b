/**
 * Runs inside Node's module-customization thread (the one `module.register`
 * starts). Once any off-thread hooks exist, Node reads every ES module's
 * source in that thread, where the main thread's sensors do not reach. This
 * hook checks each `file:` module against `fs.read` under the main thread's
 * policy before Node reads it, with the same module rules as the fs sensor
 * (module files of the app, node_modules and Palisade pass an allow list, an
 * explicit deny stops them), and reports each refusal to the main thread,
 * which records it. It loads only the compiler and guard: this thread starts
 * while the app waits.
 */
import fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Guard, PalisadeDeniedError, type PlaceholderValues, type Policy, compilePolicy, moduleReadMayPass } from '@palisade/core/guard';

const realpathNative = fs.realpathSync.native;

export interface LoaderThreadData {
  readonly policy: Policy;
  readonly source: string;
  readonly values: PlaceholderValues;
  /** App roots and Palisade's own directories, each ending with `/`. */
  readonly roots: readonly string[];
  readonly port: MessagePort;
}

let state: { guard: Guard; roots: readonly string[]; port: MessagePort } | undefined;

export async function initialize(data: LoaderThreadData): Promise<void> {
  const guard = new Guard(compilePolicy(data.policy, { values: data.values, source: `${data.source} (module loader thread)` }));
  state = { guard, roots: data.roots, port: data.port };
}

function realPath(path: string): string {
  try {
    return realpathNative(path);
  } catch {
    return path;
  }
}

type Next = (url: string, context: unknown) => unknown;

export async function load(url: string, context: unknown, nextLoad: Next): Promise<unknown> {
  if (state && url.startsWith('file:')) {
    const path = realPath(fileURLToPath(url));
    const v = state.guard.base.check('fs.read', path);
    if (v.action !== 'allow' && !moduleReadMayPass(v, path, false, state.roots)) {
      state.port.postMessage({ verdict: v });
      if (v.action === 'deny') throw new PalisadeDeniedError(v.capability, v.target, v.rule, v.reason);
    }
  }
  return nextLoad(url, context);
}
