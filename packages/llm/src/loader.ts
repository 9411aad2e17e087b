import Module, { createRequire, register as registerAsync } from 'node:module';
import { dirname, join } from 'node:path';
import { activeRuntime, bundledOr, mainEntryIsCommonJS, onModuleCompile } from '@palisade/core';
import { mayImportESM } from './esm-reach.js';
import { hookSDKImports } from './instrumentation.js';

const require = createRequire(import.meta.url);

export const LLM_MODULES = ['openai', '@anthropic-ai/sdk'];
const ENTRY_URLS = [/\/node_modules\/openai\/index\.m?js$/, /\/node_modules\/@anthropic-ai\/sdk\/index\.m?js$/];

const KEY = Symbol.for('palisade.llm.loader');

type IitmSync = typeof import('./iitm-sync.js');

/**
 * The in-thread import-in-the-middle hooks: the build's code-cached bundle
 * (dist/iitm-sync.cjs) when there is one, else the module (an ES module,
 * which Node versions with in-thread hooks can require). Undefined where Node
 * has no `module.registerHooks` (nothing is loaded then) or cannot require it.
 */
function iitmSync(): IitmSync | undefined {
  // Without module.registerHooks (Node < 22.15) there is nothing to ask import-in-the-middle about.
  if (typeof (Module as { registerHooks?: unknown }).registerHooks !== 'function') return undefined;
  for (const file of ['./iitm-sync.cjs', './iitm-sync.js']) {
    try {
      return require(file) as IitmSync;
    } catch (err) {
      // The bundle is missing (running from source): the module. Anything else is not in-thread hooks.
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') return undefined;
    }
  }
  return undefined;
}

/**
 * Registers import-in-the-middle's loader for the LLM SDKs only (their entry
 * modules, also when reached through an npm alias), so ESM imports of openai
 * and @anthropic-ai/sdk can be hooked. Must run before the app's imports:
 * `palisade/register` calls it. Other modules are left to Node's own loader.
 * Synchronous in-thread hooks where Node supports them, else the off-thread
 * `module.register` loader; for a CommonJS entry point, that one is deferred
 * until the app's code shows it may load an ES module (see esm-reach.ts).
 * `registerPath`: Palisade's register module, so that another `--import` is
 * noticed. Returns how it registered.
 */
export function registerLlmLoader(options: { readonly registerPath?: string } = {}): LoaderState | 'already' | 'no-sdk' {
  const g = globalThis as { [KEY]?: LoaderState };
  if (g[KEY]) return 'already';
  const include = [...LLM_MODULES, ...ENTRY_URLS];
  const sync = iitmSync();
  if (sync?.syncHooksSupported()) {
    hookSDKImports();
    sync.registerSyncHooks(include);
    shortCircuitBuiltins();
    g[KEY] = 'sync';
  } else {
    // The off-thread loader costs every later import a round trip to another thread (and its start-up,
    // tens of milliseconds): only when the app can actually import an SDK, and for a CommonJS app only
    // once its code shows it may load an ES module. Where the SDKs resolve from is taken now (the
    // working directory may change), and looked up when the loader would start (~1 ms of resolving).
    const from = sdkDirs();
    const start = () => {
      g[KEY] = 'async';
      hookSDKImports();
      registerAsync(bundledOr(new URL('./iitm-hook.js', import.meta.url)), { data: { include } });
    };
    if (mainEntryIsCommonJS(options.registerPath)) {
      g[KEY] = 'deferred';
      deferUntilESM(() => {
        if (sdkInstalled(from)) start();
        else g[KEY] = 'no-sdk';
      });
    } else if (sdkInstalled(from)) start();
    else return 'no-sdk';
  }
  return g[KEY]!;
}

/** `no-sdk`: deferred, and when the app showed it may load an ES module, no SDK resolved. */
export type LoaderState = 'sync' | 'async' | 'deferred' | 'no-sdk';

let startDeferred: (() => void) | undefined;

/**
 * Starts a deferred off-thread loader now (no-op otherwise). Called when
 * someone else registers module hooks: the thread then runs anyway, and what
 * it loads may well be ES modules.
 */
export function startDeferredLlmLoader(): void {
  const start = startDeferred;
  startDeferred = undefined;
  if (start === undefined) return;
  try {
    start();
  } catch (err) {
    activeRuntime()?.recorder.internalError('llm loader', err);
  }
}

/** Watches CommonJS compilation for the first sign of an ES module: a dynamic import, or `require` of an ES module. */
function deferUntilESM(start: () => void): void {
  startDeferred = start;
  const stop = onModuleCompile((content, _filename, format) => {
    // `format` is 'module' when require() loads an ES module (Node >= 20.19).
    if (startDeferred !== undefined && (format === 'module' || (typeof content === 'string' && mayImportESM(content)))) {
      stop();
      startDeferredLlmLoader();
    }
  });
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

/** The working directory and the main script's: where an app's SDK would resolve from. */
function sdkDirs(): string[] {
  return [process.cwd(), process.argv[1] ? dirname(process.argv[1]) : undefined].filter((d): d is string => !!d);
}

/** Whether openai or @anthropic-ai/sdk resolves from one of `from`. */
function sdkInstalled(from: readonly string[]): boolean {
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
