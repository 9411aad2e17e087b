import { createRequire, register as registerAsync } from 'node:module';
import { dirname, join } from 'node:path';
import { bundledOr } from '@palisade/core';

const require = createRequire(import.meta.url);

export const LLM_MODULES = ['openai', '@anthropic-ai/sdk'];
const ENTRY_URLS = [/\/node_modules\/openai\/index\.m?js$/, /\/node_modules\/@anthropic-ai\/sdk\/index\.m?js$/];

const KEY = Symbol.for('palisade.llm.loader');

/** Whether `module.registerHooks` can run import-in-the-middle in-thread (it reads the Node version). */
function syncHooksWork(): boolean {
  try {
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
    return supportsSyncHooks();
  } catch {
    // No require() of ES modules (Node < 20.19): no synchronous hooks either.
    return false;
  }
}

/**
 * Registers import-in-the-middle's loader for the LLM SDKs only (their entry
 * modules, also when reached through an npm alias), so ESM imports of openai
 * and @anthropic-ai/sdk can be hooked. Must run before the app's imports:
 * `palisade/register` calls it. Other modules are left to Node's own loader.
 * Synchronous in-thread hooks where Node supports them, else the off-thread
 * `module.register` loader. Returns how it registered.
 */
export function registerLlmLoader(): 'sync' | 'async' | 'already' | 'no-sdk' {
  const g = globalThis as { [KEY]?: 'sync' | 'async' };
  if (g[KEY]) return 'already';
  const include = [...LLM_MODULES, ...ENTRY_URLS];
  if (syncHooksWork()) {
    const hooks = require('import-in-the-middle/register-hooks.mjs') as { register(o: { include: unknown[] }): void };
    hooks.register({ include });
    shortCircuitBuiltins();
    g[KEY] = 'sync';
  } else {
    // The off-thread loader costs every later import a round trip to another thread (and its start-up,
    // a few hundred milliseconds): only when the app can actually import an SDK.
    if (!sdkInstalled()) return 'no-sdk';
    registerAsync(bundledOr(new URL('./iitm-hook.js', import.meta.url)), { data: { include } });
    g[KEY] = 'async';
  }
  return g[KEY];
}

type Next = (u: string, c: unknown) => unknown;

/**
 * Modules the SDK hook has no business with, answered before it runs:
 * - builtins: with synchronous hooks registered, Node 24 routes some of its
 *   own lazy builtin requires (the `-e` entry, `Module#_compile`) through the
 *   chain with a bare name as the URL, and the default loader then tries to
 *   read a file called `module`;
 * - `data:` URLs: import-in-the-middle's resolve fails on them, so a worker
 *   started from a data: URL would not start.
 * Hooks registered later (Palisade's code sensors) still run before these.
 */
function shortCircuitBuiltins(): void {
  const mod = require('node:module') as typeof import('node:module') & {
    registerHooks?: (hooks: { resolve: (s: string, c: unknown, next: Next) => unknown; load: (url: string, c: unknown, next: Next) => unknown }) => unknown;
  };
  mod.registerHooks?.({
    resolve: (specifier, context, next) => (specifier.startsWith('data:') ? { url: specifier, shortCircuit: true } : next(specifier, context)),
    load: (url, context, next) => (mod.isBuiltin(url) ? { format: 'builtin', source: null, shortCircuit: true } : next(url, context)),
  });
}

/** Whether openai or @anthropic-ai/sdk resolves from the working directory or the main script's. */
function sdkInstalled(): boolean {
  const from = [process.cwd(), process.argv[1] ? dirname(process.argv[1]) : undefined].filter((d): d is string => !!d);
  for (const dir of from) {
    const req = createRequire(join(dir, 'palisade-resolve.js'));
    for (const name of LLM_MODULES) {
      try {
        req.resolve(name);
        return true;
      } catch (err) {
        // Present but not resolvable this way (exports without a `require` entry, say) still counts.
        if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') return true;
      }
    }
  }
  return false;
}
