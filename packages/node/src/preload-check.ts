import { createRequire } from 'node:module';
import { isRegister, preloads, splitNodeOptions } from '@palisade/core';

/**
 * Startup check: Palisade protects what is loaded after it. A module loaded
 * before it may hold unwrapped references (`const { spawn } =
 * require('child_process')`), and LLM clients loaded before it are not
 * instrumented. The check names such modules and says how to preload.
 *
 * What it can see: CommonJS modules (require.cache, including CommonJS
 * packages imported from ESM), snapshot when this module was evaluated, so
 * Palisade's own dependencies loaded afterwards do not count. ES modules have
 * no public registry: an ESM app that starts Palisade from code gets the
 * started-from-code warning, which covers every import it made before.
 */
const SENSITIVE = [
  'openai', '@anthropic-ai/sdk', '@google/generative-ai', '@google/genai', '@mistralai/mistralai', 'cohere-ai', 'groq-sdk', 'ollama',
  '@modelcontextprotocol/sdk', 'ai', 'langchain', '@langchain/core', '@langchain/openai', '@langchain/anthropic', 'llamaindex',
  'undici', 'axios', 'node-fetch', 'got', 'superagent', 'needle', 'request', 'ky', 'ws',
  'execa', 'shelljs', 'cross-spawn', 'zx',
];

const cache = createRequire(import.meta.url).cache;
const loadedAtStart: readonly string[] = Object.keys(cache);

/** The package a module file belongs to, from its last node_modules segment. */
export function packageOf(file: string): string | undefined {
  const i = file.lastIndexOf('/node_modules/');
  if (i === -1) return undefined;
  const parts = file.slice(i + '/node_modules/'.length).split('/');
  const [first, second] = parts;
  if (!first) return undefined;
  return first.startsWith('@') && second ? `${first}/${second}` : first;
}

/** Sensitive packages among loaded module files, sorted. */
export function sensitivePackages(files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const f of files) {
    const name = packageOf(f);
    if (name && SENSITIVE.includes(name)) found.add(name);
  }
  return [...found].sort();
}

export interface PreloadReport {
  /** Palisade/register was given with --import or --require (command line or NODE_OPTIONS). */
  readonly preloaded: boolean;
  /** Sensitive packages that were loaded before Palisade. */
  readonly loadedBefore: readonly string[];
  /** --expose-internals: Node's internal bindings are reachable with no code.native check. */
  readonly exposeInternals: boolean;
  /** Warning codes emitted. */
  readonly warned: readonly string[];
}

export interface PreloadCheckOptions {
  readonly registerPath?: string;
  readonly execArgv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Module files loaded before Palisade; defaults to the require.cache snapshot taken when Palisade loaded. */
  readonly loaded?: readonly string[];
  /** Emit the warnings (default true). */
  readonly emit?: boolean;
}

let checked: PreloadReport | undefined;

/**
 * Emits `PALISADE_PRELOAD` when Palisade was started from code or after
 * sensitive modules, and `PALISADE_EXPOSE_INTERNALS` under --expose-internals.
 * Runs once per process (later calls return the first report).
 */
export function checkPreload(options: PreloadCheckOptions = {}): PreloadReport {
  if (checked && options.loaded === undefined && options.execArgv === undefined) return checked;
  const execArgv = options.execArgv ?? process.execArgv;
  const env = options.env ?? process.env;
  const args = [...execArgv, ...splitNodeOptions(env.NODE_OPTIONS ?? '')];
  const preloaded = preloads(args).some((s) => isRegister(s, options.registerPath));
  const loadedBefore = sensitivePackages(options.loaded ?? loadedAtStart);
  const exposeInternals = args.includes('--expose-internals') || args.includes('--expose_internals');
  const warned: string[] = [];
  const emit = options.emit ?? true;
  const how = 'start Node with `node --import palisade/register app.js` (CommonJS apps: `--require palisade/register`), or `palisade run -- node app.js`';
  if (!preloaded || loadedBefore.length > 0) {
    const names = loadedBefore.length > 0 ? `these were loaded before it and are not fully covered: ${loadedBefore.join(', ')}` : undefined;
    const lead = preloaded
      ? 'Palisade was preloaded after other modules'
      : 'Palisade was started from code, not preloaded: modules loaded before palisade.init() (every static import of an ES module app) keep references Palisade cannot wrap, and LLM clients among them are not instrumented';
    warned.push('PALISADE_PRELOAD');
    if (emit) process.emitWarning(`${lead}${names ? `; ${names}` : ''}. To protect everything, ${how}.`, { code: 'PALISADE_PRELOAD' });
  }
  if (exposeInternals) {
    warned.push('PALISADE_EXPOSE_INTERNALS');
    if (emit) {
      process.emitWarning('--expose-internals gives code access to Node internals (internalBinding) that no Palisade sensor sees; do not use it in production', {
        code: 'PALISADE_EXPOSE_INTERNALS',
      });
    }
  }
  const report = { preloaded, loadedBefore, exposeInternals, warned };
  if (options.loaded === undefined && options.execArgv === undefined) checked = report;
  return report;
}

/** An argument list without its preloads of the register module (a worker gets its own). */
export function withoutRegister(args: readonly string[], registerPath: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === '--import' || a === '--require' || a === '-r') && i + 1 < args.length && isRegister(args[i + 1]!, registerPath)) i++;
    else if ((a.startsWith('--import=') || a.startsWith('--require=')) && isRegister(a.slice(a.indexOf('=') + 1), registerPath)) continue;
    else out.push(a);
  }
  return out;
}
