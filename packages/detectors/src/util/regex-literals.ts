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

/**
 * The literals every match of the regex begins with (after `\b`), or null: each top-level branch
 * must open with a run of literal characters or a non-repeated group of literal alternatives. A
 * match can then only start where one of them occurs, so the regex can be tried just there (sticky)
 * instead of being scanned over a window.
 */
export function leadingLiterals(source: string): string[] | null {
  const lits = leading(source, 0);
  if (lits === null || lits.length === 0 || lits.length > 512) return null;
  for (const l of lits) if (/^[\x00-\x7f]*$/.test(l) ? l.trim().length < MIN_USEFUL : l.length < 1) return null;
  return [...new Set(lits)];
}

function leading(source: string, depth: number): string[] | null {
  if (depth > 4) return null;
  const branches = splitTop(source);
  if (branches === null) return null;
  const out: string[] = [];
  for (const b of branches) {
    const l = prefixSet(b, depth);
    if (l === null || l.length === 0 || l.some((x) => x.length === 0)) return null;
    out.push(...l);
    if (out.length > 1024) return null;
  }
  return out;
}

/**
 * The strings a branch's matches begin with: its atoms expanded (literal characters, classes of
 * plain characters, `?`, groups of such) up to the first atom that cannot be; a first group that
 * cannot be expanded gives its alternatives' own leading strings.
 */
function prefixSet(b: string, depth: number): string[] | null {
  let acc = [''];
  let i = 0;
  let first = true;
  while (i < b.length) {
    if (b.startsWith('\\b', i)) {
      i += 2;
      continue;
    }
    const j = atomEnd(b, i);
    if (j < 0) break;
    const q = b[j];
    if (q === '*' || q === '+' || q === '{') break;
    const optional = q === '?';
    const exp = expandLiteral(b.slice(i, j), 64);
    if (exp === null) {
      if (first && !optional && b.startsWith('(?:', i)) return leading(b.slice(i + 3, j - 1), depth + 1);
      break;
    }
    const next: string[] = [];
    for (const a of acc) for (const e of optional ? ['', ...exp] : exp) next.push(a + e);
    if (next.length > 512) break;
    acc = next;
    first = false;
    i = j + (optional ? 1 : 0);
  }
  return acc;
}

/** End (exclusive) of the atom at `i`: a character, an escape, a class or a group; -1 if none. */
function atomEnd(s: string, i: number): number {
  const c = s[i];
  if (c === undefined || c === '|' || c === ')') return -1;
  if (c === '\\') return i + 2;
  if (c === '[') {
    let k = i + 1;
    while (k < s.length && s[k] !== ']') k += s[k] === '\\' ? 2 : 1;
    return k + 1;
  }
  if (c === '(') {
    const e = closing(s, i);
    return e < 0 ? -1 : e + 1;
  }
  if (SPECIAL.includes(c)) return -1;
  return i + 1;
}

const SPECIAL = '\\^$.|?*+()[]{}';
const isQuantifier = (c: string | undefined): boolean => c === '?' || c === '*' || c === '+' || c === '{';

/** Splits at top-level `|` (outside groups and classes); null on unbalanced input. */
function splitTop(s: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return null;
  }
  if (depth !== 0) return null;
  parts.push(s.slice(start));
  return parts;
}

/** Index of the `)` closing the group that opens at `open`, or -1. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Every string a small regex matches — plain characters, escaped punctuation, `(?:…|…)` groups,
 * classes of plain characters, and `?` — or null when it has anything else or more than `limit`.
 */
export function expandLiteral(s: string, limit: number): string[] | null {
  let i = 0;
  let failed = false;
  const cross = (a: string[], b: string[]): string[] => {
    const r: string[] = [];
    for (const x of a) for (const y of b) r.push(x + y);
    if (r.length > limit) failed = true;
    return r;
  };
  function alt(): string[] {
    const out: string[] = [];
    for (;;) {
      out.push(...seq());
      if (s[i] !== '|') break;
      i++;
    }
    if (out.length > limit) failed = true;
    return out;
  }
  function seq(): string[] {
    let acc = [''];
    while (i < s.length && s[i] !== '|' && s[i] !== ')' && !failed) {
      let piece: string[];
      const c = s[i]!;
      if (c === '(') {
        if (!s.startsWith('(?:', i)) {
          failed = true;
          return acc;
        }
        i += 3;
        piece = alt();
        if (s[i] !== ')') failed = true;
        i++;
      } else if (c === '[') {
        const end = s.indexOf(']', i);
        const body = end < 0 ? '' : s.slice(i + 1, end);
        if (end < 0 || body.length === 0 || /[\\^-]/.test(body)) failed = true;
        piece = [...body];
        i = end + 1;
      } else if (c === '\\') {
        const e = s[i + 1];
        if (e === undefined || /[A-Za-z0-9]/.test(e)) failed = true;
        piece = [e ?? ''];
        i += 2;
      } else if (SPECIAL.includes(c)) {
        failed = true;
        return acc;
      } else {
        piece = [c];
        i++;
      }
      if (s[i] === '?') {
        i++;
        piece = ['', ...piece];
      } else if (s[i] === '*' || s[i] === '+' || s[i] === '{') failed = true;
      acc = cross(acc, piece);
    }
    return acc;
  }
  const r = alt();
  return failed || i !== s.length ? null : [...new Set(r)];
}
