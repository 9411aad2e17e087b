/**
 * Necessary literals of a regex: a set of strings such that every match contains at least one of
 * them (or null when no useful set exists). A keyword pass over the text then tells which patterns
 * can match at all, so most patterns never run on a given text. Handles the syntax the detectors
 * use; anything it does not understand makes it answer null (the pattern always runs), never wrong.
 */
type Lits = string[] | null; // null: no requirement known

const MIN_USEFUL = 3;

export function requiredLiterals(source: string): string[] | null {
  let i = 0;
  let failed = false;
  function alt(): Lits {
    const branches: Lits[] = [seq()];
    while (source[i] === '|') {
      i++;
      branches.push(seq());
    }
    if (branches.some((b) => b === null)) return null;
    return [...new Set(branches.flat() as string[])];
  }
  function better(a: Lits, b: Lits): Lits {
    if (a === null) return b;
    if (b === null) return a;
    // longer (trimmed) literals are more selective; sets with a too-short ASCII literal are useless
    const score = (s: string[]): number => {
      const min = Math.min(...s.map((x) => (/^[\x00-\x7f]*$/.test(x) ? x.trim().length : 3 + x.length)));
      return min < MIN_USEFUL ? -1e9 : min * 10 - s.length;
    };
    return score(b) > score(a) ? b : a;
  }
  function seq(): Lits {
    let best: Lits = null;
    let run = '';
    const flush = (): void => {
      if (run.length > 0) best = better(best, [run]);
      run = '';
    };
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const a = atom();
      const q = quant();
      if (a.kind === 'char' && q.min === 1 && q.max === 1) {
        run += a.ch;
        continue;
      }
      if (a.kind === 'zero') continue; // assertions do not break a literal run
      flush();
      if (q.min >= 1 && a.lits !== null) {
        // a repeated literal string still contains one copy
        best = better(best, a.kind === 'char' ? [a.ch] : a.lits);
      }
    }
    flush();
    return best;
  }
  function quant(): { min: number; max: number } {
    const c = source[i];
    let min = 1;
    let max = 1;
    if (c === '*') [min, max, i] = [0, Infinity, i + 1];
    else if (c === '+') [min, max, i] = [1, Infinity, i + 1];
    else if (c === '?') [min, max, i] = [0, 1, i + 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i));
      if (m) {
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
        i += m[0].length;
      }
    }
    if (source[i] === '?' && (min !== 1 || max !== 1)) i++;
    return { min, max };
  }
  function atom(): { kind: 'char'; ch: string; lits: Lits } | { kind: 'set' | 'zero'; lits: Lits } {
    const c = source[i++]!;
    if (c === '(') {
      let look = false;
      if (source.startsWith('?:', i)) i += 2;
      else if (/^\?<?[=!]/.test(source.slice(i))) {
        i += source[i + 1] === '<' ? 3 : 2;
        look = true;
      } else if (source.startsWith('?<', i)) i = source.indexOf('>', i) + 1;
      const inner = alt();
      if (source[i] !== ')') failed = true;
      i++;
      return look ? { kind: 'zero', lits: null } : { kind: 'set', lits: inner };
    }
    if (c === '[') {
      while (i < source.length && source[i] !== ']') {
        if (source[i] === '\\') i++;
        i++;
      }
      i++;
      return { kind: 'set', lits: null };
    }
    if (c === '\\') {
      const e = source[i++]!;
      if (e === 'b' || e === 'B') return { kind: 'zero', lits: null };
      if ('dDwWsStrnfv'.includes(e) || /[1-9]/.test(e)) return { kind: 'set', lits: null };
      if (e === 'u' || e === 'x' || e === 'p' || e === 'P' || e === 'c') {
        failed = true;
        return { kind: 'set', lits: null };
      }
      return { kind: 'char', ch: e, lits: [e] };
    }
    if (c === '^' || c === '$') return { kind: 'zero', lits: null };
    if (c === '.') return { kind: 'set', lits: null };
    return { kind: 'char', ch: c, lits: [c] };
  }
  const result = alt();
  if (failed || i !== source.length || result === null) return null;
  // short ASCII strings occur everywhere; a single CJK or Indic character is already selective
  if (result.some((s) => (/^[\x00-\x7f]*$/.test(s) ? s.trim().length < MIN_USEFUL : s.length < 1))) return null;
  return result;
}
