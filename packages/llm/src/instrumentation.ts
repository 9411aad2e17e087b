import Module, { createRequire } from 'node:module';
import { wrap } from '@palisade/core';
import { patchAnthropic } from './anthropic/patch.js';
import { patchOpenAI } from './openai/patch.js';
import { reportPatchError } from './patch.js';

/**
 * Hooks every copy of the LLM SDKs as it loads: require-in-the-middle for
 * CommonJS `require`, import-in-the-middle for ESM `import` (which on Node 20
 * require-in-the-middle does not see, and which loads a separate copy of each
 * class). Copies already loaded through `require` are patched at install.
 */
const requireHere = createRequire(import.meta.url);

type Patcher = (exported: unknown) => number;

const BY_NAME: Record<string, Patcher> = { openai: patchOpenAI, '@anthropic-ai/sdk': patchAnthropic };
const ENTRY = /[\\/]node_modules[\\/](openai|@anthropic-ai[\\/]sdk)[\\/]index\.m?js$/;

function patch(name: string, exported: unknown): void {
  const patcher = BY_NAME[name.replace(/\\/g, '/')];
  if (!patcher) return;
  try {
    patcher(exported);
  } catch (err) {
    reportPatchError(name, err);
  }
}

function nameOf(file: string): string | undefined {
  const m = ENTRY.exec(file);
  return m ? m[1]!.replace(/\\/g, '/') : undefined;
}

const KEY = Symbol.for('palisade.llm.installed');

/** A require that may load an SDK: its id names one, or it comes from a file inside one. */
const MENTIONS_SDK = /openai|anthropic/i;

/**
 * require-in-the-middle (and the `debug` package it loads, ~5 ms of start-up
 * together) is loaded the first time a `require` may reach an SDK; until then
 * a check of the id is all a require costs. It then sees that very require.
 */
function hookRequireOnFirstSight(): void {
  let hooked = false;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown; filename?: string };
  wrap(proto, 'require', (original: (id: string) => unknown) =>
    function require(this: { filename?: unknown }, id: string): unknown {
      if (!hooked && ((typeof id === 'string' && MENTIONS_SDK.test(id)) || (typeof this?.filename === 'string' && MENTIONS_SDK.test(this.filename)))) {
        hooked = true;
        try {
          const { Hook } = requireHere('require-in-the-middle') as typeof import('require-in-the-middle');
          new Hook(Object.keys(BY_NAME), (exported, name) => {
            patch(name, exported);
            return exported;
          });
          // The hook now in front (require-in-the-middle's) takes this require too.
          // eslint-disable-next-line prefer-rest-params
          return Reflect.apply(proto.require, this, arguments);
        } catch (err) {
          reportPatchError('require-in-the-middle', err);
        }
      }
      // eslint-disable-next-line prefer-rest-params
      return Reflect.apply(original, this, arguments);
    },
  );
}

/** Hooks openai and @anthropic-ai/sdk (CJS and ESM copies). Idempotent. */
export function installLlmSensors(): void {
  const g = globalThis as { [KEY]?: boolean };
  if (g[KEY]) return;
  g[KEY] = true;
  hookRequireOnFirstSight();
  for (const [file, mod] of Object.entries(requireHere.cache)) {
    const name = nameOf(file);
    if (name && mod) patch(name, mod.exports);
  }
}

const IMPORT_KEY = Symbol.for('palisade.llm.importHooked');

/**
 * Patches the SDKs' ES-module copies as import-in-the-middle's loader hands
 * them over. Only Palisade's own registration of that loader (loader.ts) makes
 * those hand-overs, so import-in-the-middle loads with it, not at install (it
 * replays modules it already saw, so the order of the two does not matter).
 */
export function hookSDKImports(): void {
  const g = globalThis as { [IMPORT_KEY]?: boolean };
  if (g[IMPORT_KEY]) return;
  g[IMPORT_KEY] = true;
  const iitm = requireHere('import-in-the-middle') as typeof import('import-in-the-middle');
  iitm.addHook((url, namespace) => {
    const name = nameOf(url);
    if (name) patch(name, namespace);
  });
}
