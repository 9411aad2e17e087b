import fs from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { isRegister, preloads, splitNodeOptions } from '@palisade/core';

/**
 * Whether a CommonJS app can reach an ES module, read from what it runs. On
 * Node 20 the SDK hooks for ES-module imports need Node's module-customization
 * thread (tens of milliseconds to start, and a slower process from then on),
 * so an app that only `require`s does not get it until its code shows an
 * `import`. Any doubt counts as "can": the thread is then started as before.
 */

const WORD = /\bimport\b/g;

// Bound before any sensor patches fs: reading the entry point is Palisade's own I/O.
const { readFileSync } = fs;

/**
 * Whether CommonJS source (or an ES module compiled through `require`) may
 * load an ES module: a dynamic `import(…)`, or a static import statement.
 * Comment lines (`//`, JSDoc's `* @type {import('x').T}`) and member calls
 * (`obj.import(…)`) do not count. A false "yes" only starts the thread early.
 */
export function mayImportESM(source: string): boolean {
  if (!source.includes('import')) return false;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(source); m !== null; m = WORD.exec(source)) {
    const at = m.index;
    if (at > 0 && source.charCodeAt(at - 1) === 46 /* . */ && !source.startsWith('...', at - 3)) continue;
    const lineStart = source.lastIndexOf('\n', at - 1) + 1;
    const before = source.slice(lineStart, at).trimStart();
    if (before.startsWith('//') || before.startsWith('*') || (before.startsWith('/*') && !before.includes('*/'))) continue;
    const after = skipSpaceAndComments(source, at + 6);
    const next = source[after];
    if (next === '(') {
      // `import('node:buffer')` (often only quoted in a message) cannot reach an SDK.
      if (!importsBuiltin(source, after + 1)) return true;
      continue;
    }
    const statementStart = before === '' || /[;}]\s*$/.test(before);
    if (statementStart && next !== undefined && /[{*"'A-Za-z_$]/.test(next)) return true;
  }
  return false;
}

/** Whether the call's argument is a string literal naming a builtin module. */
function importsBuiltin(s: string, i: number): boolean {
  i = skipSpaceAndComments(s, i);
  const quote = s[i];
  if (quote !== "'" && quote !== '"' && quote !== '`') return false;
  const end = s.indexOf(quote, i + 1);
  if (end < 0) return false;
  const specifier = s.slice(i + 1, end);
  return !/[\\$]/.test(specifier) && isBuiltin(specifier);
}

function skipSpaceAndComments(s: string, i: number): number {
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s.startsWith('/*', i)) {
      const end = s.indexOf('*/', i + 2);
      if (end < 0) return s.length;
      i = end + 2;
    } else return i;
  }
}

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
