import { isBuiltin } from 'node:module';

/**
 * Whether a CommonJS app can reach an ES module, read from what it runs. On
 * Node 20 the SDK hooks for ES-module imports need Node's module-customization
 * thread (tens of milliseconds to start, and a slower process from then on),
 * so an app that only `require`s does not get it until its code shows an
 * `import`. Any doubt counts as "can": the thread is then started as before.
 */

const WORD = /\bimport\b/g;

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

export { entryIsCommonJS, type EntryFacts } from '@palisade/core';
