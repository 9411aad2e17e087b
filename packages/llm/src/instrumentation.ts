import { createRequire } from 'node:module';
import { patchAnthropic } from './anthropic/patch.js';
import { patchOpenAI } from './openai/patch.js';
import { reportPatchError } from './patch.js';

/**
 * Hooks every copy of the LLM SDKs as it loads: require-in-the-middle for
 * CommonJS `require`, import-in-the-middle for ESM `import` (which on Node 20
 * require-in-the-middle does not see, and which loads a separate copy of each
 * class). Copies already loaded through `require` are patched at install.
 */
const require = createRequire(import.meta.url);

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

/** Hooks openai and @anthropic-ai/sdk (CJS and ESM copies). Idempotent. */
export function installLlmSensors(): void {
  const g = globalThis as { [KEY]?: boolean };
  if (g[KEY]) return;
  g[KEY] = true;
  const { Hook } = require('require-in-the-middle') as typeof import('require-in-the-middle');
  new Hook(Object.keys(BY_NAME), (exported, name) => {
    patch(name, exported);
    return exported;
  });
  const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
  iitm.addHook((url, namespace) => {
    const name = nameOf(url);
    if (name) patch(name, namespace);
  });
  for (const [file, mod] of Object.entries(require.cache)) {
    const name = nameOf(file);
    if (name && mod) patch(name, mod.exports);
  }
}
