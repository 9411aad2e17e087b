/**
 * Static bound on a JavaScript regex source (the subset the detectors use): its longest match.
 * Every detector regex must have a finite one — no `*`, `+` or `{n,}` — because then a backtracking
 * engine does a bounded amount of work per start position and a scan is linear in the text.
 * Tests run this over every pattern; detectors that build patterns at load time register them with `assertBounded`.
 */
export interface RegexBound {
  /** Longest possible match in UTF-16 units; Infinity when a quantifier is unbounded. */
  maxLen: number;
}

export function regexBound(source: string): RegexBound {
  let i = 0;
  const peek = (): string | undefined => source[i];

  function alt(): number {
    let best = seq();
    while (peek() === '|') {
      i++;
      best = Math.max(best, seq());
    }
    return best;
  }
  function seq(): number {
    let total = 0;
    while (i < source.length && peek() !== '|' && peek() !== ')') total += quant(atom());
    return total;
  }
  function quant(len: number): number {
    const c = peek();
    let max = 1;
    if (c === '*' || c === '+') {
      max = Infinity;
      i++;
    } else if (c === '?') {
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i));
      if (!m) return len;
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1]);
      i += m[0].length;
    } else return len;
    if (peek() === '?') i++;
    return len === 0 ? 0 : len * max;
  }
  function atom(): number {
    const c = source[i++];
    if (c === '(') {
      let lookaround = false;
      if (source.startsWith('?:', i)) i += 2;
      else if (source.startsWith('?=', i) || source.startsWith('?!', i)) {
        i += 2;
        lookaround = true;
      } else if (source.startsWith('?<=', i) || source.startsWith('?<!', i)) {
        i += 3;
        lookaround = true;
      } else if (source.startsWith('?<', i)) i = source.indexOf('>', i) + 1;
      const inner = alt();
      if (source[i] !== ')') throw new SyntaxError(`unbalanced ( in ${source}`);
      i++;
      // a lookaround consumes nothing, but it runs at each position: its own bound must be finite
      return lookaround ? (inner === Infinity ? Infinity : 0) : inner;
    }
    if (c === '[') {
      if (peek() === '^') i++;
      if (peek() === ']') i++;
      while (i < source.length && peek() !== ']') {
        if (peek() === '\\') i++;
        i++;
      }
      i++;
      return 1;
    }
    if (c === '\\') {
      const e = source[i++];
      if (e === 'b' || e === 'B') return 0;
      if (e === 'u' && peek() === '{') i = source.indexOf('}', i) + 1;
      else if (e === 'u') i += 4;
      else if (e === 'x') i += 2;
      else if (e === 'p' || e === 'P') i = source.indexOf('}', i) + 1;
      else if (e !== undefined && /[1-9]/.test(e)) return Infinity; // backreference: not bounded here
      return 1;
    }
    if (c === '^' || c === '$') return 0;
    return 1;
  }
  const maxLen = alt();
  if (i !== source.length) throw new SyntaxError(`unbalanced ) in ${source}`);
  return { maxLen };
}

/** Throws when a pattern can match unboundedly long text. */
const registered: RegExp[] = [];

/**
 * Marks a pattern built at load time as one that must be bounded. The check
 * itself runs in the test suite over every registered pattern (and every
 * pattern list), not at start-up: the patterns are fixed when the package is
 * built, and checking hundreds of them cost every process tens of milliseconds.
 */
export function assertBounded(re: RegExp): RegExp {
  registered.push(re);
  return re;
}

/** Patterns passed to `assertBounded` so far (for the tests). */
export function registeredPatterns(): readonly RegExp[] {
  return registered;
}
