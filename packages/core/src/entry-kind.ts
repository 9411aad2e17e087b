import fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { isRegister, preloads, splitNodeOptions } from './node-args.js';

// Bound before any sensor patches fs: reading the entry point is Palisade's own I/O.
const { readFileSync } = fs;

/**
 * What the process runs first, as far as its command line and files tell.
 * Work that only an ES module could need (the module-customization thread on
 * Node 20; wrapping builtins only an ES import could reach unseen) waits, in
 * a CommonJS app, until its code shows an `import`. Any doubt counts as "not
 * CommonJS": that work is then done at start, as before.
 */

export interface EntryFacts {
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | undefined;
  /** Palisade's register module (an `--import` of it is not another preload). */
  readonly registerPath?: string | undefined;
  readonly readText?: (file: string) => string | undefined;
}

const OPTIONS_WITH_ESM = /^--(?:experimental-)?loader(?:=|$)|^--experimental-default-type(?:=|$)|^--input-type(?:=|$)|^--experimental-vm-modules$|^-e$|^--eval(?:=|$)|^-p$|^--print(?:=|$)/;

/**
 * Whether the main thread's entry point is a CommonJS file and nothing else
 * given to node (another `--import`, a loader, `--input-type`) runs ES
 * modules first. `.cjs`; or `.js` under `"type": "commonjs"`; or `.js` with
 * no type whose source has no `import`/`export` at all (Node would otherwise
 * run it as an ES module if it parses as one).
 */
export function entryIsCommonJS(facts: EntryFacts): boolean {
  const read = facts.readText ?? readText;
  const args = [...splitNodeOptions(facts.nodeOptions ?? ''), ...facts.execArgv];
  if (args.some((a) => OPTIONS_WITH_ESM.test(a))) return false;
  if (preloads(args, ['import']).some((spec) => !isRegister(spec, facts.registerPath))) return false;
  const main = facts.argv[1];
  if (!main) return false;
  let file: string;
  try {
    file = createRequire(join(process.cwd(), 'palisade-entry.js')).resolve(resolve(main));
  } catch {
    return false;
  }
  const ext = extname(file);
  if (ext === '.cjs') return true;
  if (ext !== '.js') return false;
  const type = packageType(dirname(file), read);
  if (type === 'commonjs') return true;
  if (type !== undefined) return false;
  const source = read(file);
  return source !== undefined && !/\b(?:import|export)\b/.test(source);
}

/** The `type` of the nearest package.json above `dir` (undefined when it has none, or there is none). */
function packageType(dir: string, read: (file: string) => string | undefined): string | null | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const text = read(join(d, 'package.json'));
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return typeof type === 'string' ? type : undefined;
      } catch {
        return null; // unreadable: counts as doubt
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

let mainIsCommonJS: boolean | undefined;

/** `entryIsCommonJS` for this process's main thread (false in a worker), worked out once. */
export function mainEntryIsCommonJS(registerPath?: string): boolean {
  return (mainIsCommonJS ??= isMainThread && entryIsCommonJS({ argv: process.argv, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS, registerPath }));
}
