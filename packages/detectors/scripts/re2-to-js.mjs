// Translates the Go RE2 subset used by the gitleaks rule data into JavaScript regex source that
// needs no `u`/`i`/`s` flags and no inline modifiers (Node 20 has none), and bounds every
// unbounded quantifier so the pattern has a finite maximum match length. With a finite maximum
// length, the work of a backtracking engine at one start position is bounded by a constant, so a
// scan of n characters costs O(n) — the property the detectors rely on.

const WORD = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const DIGIT = [[0x30, 0x39]];
// Go's \s is [\t\n\f\r ] (no \v, no Unicode spaces); keep that exactly.
const SPACE = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];
const POSIX = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  digit: DIGIT,
  lower: [[0x61, 0x7a]],
  upper: [[0x41, 0x5a]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
  word: WORD,
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
};
const MAXCP = 0xffff;

function normRanges(ranges) {
  const r = ranges.map(([a, b]) => [a, b]).sort((x, y) => x[0] - y[0]);
  const out = [];
  for (const [a, b] of r) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
function negate(ranges) {
  const r = normRanges(ranges);
  const out = [];
  let next = 0;
  for (const [a, b] of r) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAXCP) out.push([next, MAXCP]);
  return out;
}
function fold(ranges) {
  const extra = [];
  for (const [a, b] of ranges) {
    const lo = Math.max(a, 0x61), hi = Math.min(b, 0x7a);
    if (lo <= hi) extra.push([lo - 32, hi - 32]);
    const lo2 = Math.max(a, 0x41), hi2 = Math.min(b, 0x5a);
    if (lo2 <= hi2) extra.push([lo2 + 32, hi2 + 32]);
  }
  return normRanges([...ranges, ...extra]);
}

export class Re2Parser {
  constructor(src) {
    this.src = src;
    this.i = 0;
    this.groups = 0;
  }
  error(msg) {
    return new Error(`${msg} at ${this.i} in ${JSON.stringify(this.src)}`);
  }
  peek() { return this.src[this.i]; }
  parse() {
    const node = this.parseAlt({ i: false, s: false });
    if (this.i !== this.src.length) throw this.error('unexpected )');
    return node;
  }
  parseAlt(flagsIn) {
    // RE2: a flag group like (?i) holds until the end of the enclosing group, across `|`.
    const flags = { ...flagsIn };
    const branches = [this.parseSeq(flags)];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.parseSeq(flags));
    }
    return branches.length === 1 ? branches[0] : { t: 'alt', branches };
  }
  parseSeq(flags) {
    const items = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.parseAtom(flags);
      if (atom === null) continue; // a flag group like (?i) changes flags for the rest of the sequence
      items.push(this.parseQuant(atom));
    }
    return { t: 'seq', items };
  }
  parseQuant(atom) {
    let node = atom;
    for (;;) {
      const c = this.peek();
      let min, max;
      if (c === '*') { min = 0; max = Infinity; this.i++; }
      else if (c === '+') { min = 1; max = Infinity; this.i++; }
      else if (c === '?') { min = 0; max = 1; this.i++; }
      else if (c === '{') {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) return node; // a literal brace, handled by parseAtom next round
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
        this.i += m[0].length;
      } else return node;
      let lazy = false;
      if (this.peek() === '?') { lazy = true; this.i++; }
      node = { t: 'rep', min, max, lazy, body: node };
    }
  }
  parseFlags() {
    // at "(?"; returns { flags, scoped } or null when it is a named/non-capturing group
    const m = /^\(\?([ismU]*)(?:-([ismU]*))?([:)])/.exec(this.src.slice(this.i));
    if (!m) return null;
    this.i += m[0].length;
    return { on: m[1], off: m[2] ?? '', scoped: m[3] === ':' };
  }
  applyFlags(flags, on, off) {
    const f = { ...flags };
    for (const c of on) if (c === 'i' || c === 's') f[c] = true;
    for (const c of off) if (c === 'i' || c === 's') f[c] = false;
    return f;
  }
  parseAtom(flags) {
    const c = this.peek();
    if (c === '(') {
      if (this.src.startsWith('(?P<', this.i) || this.src.startsWith('(?<', this.i)) {
        this.i = this.src.indexOf('>', this.i) + 1;
        const index = ++this.groups;
        const body = this.parseAlt(flags);
        this.expect(')');
        return { t: 'group', capture: true, index, body };
      }
      if (this.src.startsWith('(?', this.i)) {
        const fl = this.parseFlags();
        if (!fl) throw this.error('unsupported group');
        const inner = this.applyFlags(flags, fl.on, fl.off);
        if (!fl.scoped) {
          Object.assign(flags, inner);
          return null;
        }
        const body = this.parseAlt(inner);
        this.expect(')');
        return { t: 'group', capture: false, body };
      }
      this.i++;
      const index = ++this.groups;
      const body = this.parseAlt(flags);
      this.expect(')');
      return { t: 'group', capture: true, index, body };
    }
    if (c === '[') return this.parseClass(flags);
    if (c === '.') { this.i++; return flags.s ? { t: 'class', ranges: [[0, MAXCP]] } : { t: 'class', ranges: negate([[0x0a, 0x0a]]) }; }
    if (c === '^') { this.i++; return { t: 'assert', kind: '^' }; }
    if (c === '$') { this.i++; return { t: 'assert', kind: '$' }; }
    if (c === '\\') {
      const e = this.parseEscape(false);
      if (e.assert) return { t: 'assert', kind: e.assert };
      const ranges = flags.i ? fold(e.ranges) : e.ranges;
      return { t: 'class', ranges };
    }
    this.i++;
    const cp = c.charCodeAt(0);
    return { t: 'class', ranges: flags.i ? fold([[cp, cp]]) : [[cp, cp]] };
  }
  expect(ch) {
    if (this.peek() !== ch) throw this.error(`expected ${ch}`);
    this.i++;
  }
  parseEscape(inClass) {
    this.i++; // backslash
    const c = this.src[this.i++];
    switch (c) {
      case 'd': return { ranges: DIGIT };
      case 'D': return { ranges: negate(DIGIT) };
      case 'w': return { ranges: WORD };
      case 'W': return { ranges: negate(WORD) };
      case 's': return { ranges: SPACE };
      case 'S': return { ranges: negate(SPACE) };
      case 'n': return { ranges: [[10, 10]] };
      case 'r': return { ranges: [[13, 13]] };
      case 't': return { ranges: [[9, 9]] };
      case 'f': return { ranges: [[12, 12]] };
      case 'v': return { ranges: [[11, 11]] };
      case 'x': {
        let hex;
        if (this.peek() === '{') {
          const end = this.src.indexOf('}', this.i);
          hex = this.src.slice(this.i + 1, end);
          this.i = end + 1;
        } else {
          hex = this.src.slice(this.i, this.i + 2);
          this.i += 2;
        }
        const cp = parseInt(hex, 16);
        return { ranges: [[cp, cp]] };
      }
      case 'b': if (!inClass) return { assert: '\\b' }; break;
      case 'B': if (!inClass) return { assert: '\\B' }; break;
      case 'z': if (!inClass) return { assert: '$' }; break;
      case 'A': if (!inClass) return { assert: '^' }; break;
      default: break;
    }
    if (/[A-Za-z0-9]/.test(c)) throw this.error(`unsupported escape \\${c}`);
    const cp = c.charCodeAt(0);
    return { ranges: [[cp, cp]] };
  }
  parseClass(flags) {
    this.i++;
    let neg = false;
    if (this.peek() === '^') { neg = true; this.i++; }
    const ranges = [];
    let first = true;
    while (this.i < this.src.length && (this.peek() !== ']' || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i));
      if (posix) {
        const set = POSIX[posix[2]];
        if (!set) throw this.error('unknown POSIX class');
        ranges.push(...(posix[1] ? negate(set) : set));
        this.i += posix[0].length;
        continue;
      }
      let lo;
      if (this.peek() === '\\') {
        const e = this.parseEscape(true);
        if (e.ranges.length !== 1 || e.ranges[0][0] !== e.ranges[0][1]) { ranges.push(...e.ranges); continue; }
        lo = e.ranges[0][0];
      } else lo = this.src.charCodeAt(this.i++);
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let hi;
        if (this.peek() === '\\') hi = this.parseEscape(true).ranges[0][0];
        else hi = this.src.charCodeAt(this.i++);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    this.expect(']');
    let r = normRanges(ranges);
    if (flags.i) r = fold(r);
    if (neg) r = negate(r);
    return { t: 'class', ranges: r };
  }
}

function escChar(cp) {
  if (cp >= 0x30 && cp <= 0x39) return String.fromCharCode(cp);
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return String.fromCharCode(cp);
  if (cp === 0x5f) return '_';
  if (cp >= 0x20 && cp < 0x7f && !'\\]^-[/$.|?*+(){}'.includes(String.fromCharCode(cp))) return String.fromCharCode(cp);
  if (cp >= 0x20 && cp < 0x7f) return '\\' + String.fromCharCode(cp);
  return '\\u' + cp.toString(16).padStart(4, '0');
}

function emitClass(ranges) {
  const r = normRanges(ranges);
  if (r.length === 1 && r[0][0] === 0 && r[0][1] >= MAXCP) return '[\\s\\S]';
  if (r.length === 1 && r[0][0] === r[0][1]) return escChar(r[0][0]);
  const neg = negate(r);
  const body = (rs) => rs.map(([a, b]) => (a === b ? escChar(a) : b === a + 1 ? escChar(a) + escChar(b) : `${escChar(a)}-${escChar(b)}`)).join('');
  // pick the shorter of the class and its complement
  const pos = `[${body(r)}]`;
  const ng = `[^${body(neg)}]`;
  return ng.length < pos.length ? ng : pos;
}

/** Emits JS source; unbounded quantifiers become {min, min + cap}. */
export function emit(node, cap) {
  switch (node.t) {
    case 'seq': return node.items.map((n) => emit(n, cap)).join('');
    case 'alt': return node.branches.map((n) => emit(n, cap)).join('|');
    case 'class': return emitClass(node.ranges);
    case 'assert': return node.kind;
    case 'group': return `${node.capture ? '(' : '(?:'}${emit(node.body, cap)})`;
    case 'rep': {
      let body = emit(node.body, cap);
      const atomic = node.body.t === 'class' || node.body.t === 'group';
      if (!atomic) body = `(?:${body})`;
      const max = node.max === Infinity ? node.min + cap : node.max;
      let q;
      if (node.min === 0 && max === 1) q = '?';
      else if (node.min === max) q = `{${node.min}}`;
      else q = `{${node.min},${max}}`;
      if (node.min === 1 && max === 1) q = '';
      return body + q + (node.lazy && q !== '' ? '?' : '');
    }
    default: throw new Error(`unknown node ${node.t}`);
  }
}

/** Longest possible match after bounding. */
export function maxLength(node, cap) {
  switch (node.t) {
    case 'seq': return node.items.reduce((s, n) => s + maxLength(n, cap), 0);
    case 'alt': return Math.max(...node.branches.map((n) => maxLength(n, cap)));
    case 'class': return 1;
    case 'assert': return 0;
    case 'group': return maxLength(node.body, cap);
    case 'rep': return (node.max === Infinity ? node.min + cap : node.max) * maxLength(node.body, cap);
    default: throw new Error('unknown node');
  }
}

/** Drops a leading lazy `[\w.-]{0,50}?` (gitleaks' identifier prefix): it can match empty, so removing
 * it never changes whether a rule matches, only how far left the whole match reaches. */
export function stripLeadingLazyPrefix(node) {
  const seq = node.t === 'seq' ? node : null;
  if (!seq || seq.items.length === 0) return node;
  const first = seq.items[0];
  if (first.t === 'rep' && first.lazy && first.min === 0 && first.body.t === 'class') {
    return stripLeadingLazyPrefix({ t: 'seq', items: seq.items.slice(1) });
  }
  if (first.t === 'group' && !first.capture && first.body.t === 'seq') {
    const inner = stripLeadingLazyPrefix(first.body);
    return { t: 'seq', items: [{ ...first, body: inner }, ...seq.items.slice(1)] };
  }
  return node;
}

export function translate(src, cap) {
  const p = new Re2Parser(src);
  let ast = p.parse();
  return { ast, groups: p.groups, source: emit(ast, cap), maxLen: maxLength(ast, cap) };
}
