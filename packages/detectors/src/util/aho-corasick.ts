/**
 * Aho–Corasick automaton over ASCII keywords, matched case-insensitively: one pass over the text
 * finds every occurrence of every keyword, so the secret rules' keyword prefilter costs O(n)
 * however many rules there are.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly alphabet = new Uint8Array(128);
  private readonly width: number;
  /** Transitions (16 bits keep the table small enough for the cache); bit 15 of an entry marks a target state at which keywords end. */
  private readonly delta: Uint16Array;
  /** Keywords ending at each state: outList[outStart[s] .. outStart[s + 1]). */
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  private readonly lens: Int32Array;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    let k = 1;
    for (const w of keywords) {
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        if (c >= 128) throw new TypeError(`keyword ${JSON.stringify(w)}: ASCII only`);
        const lc = lower(c);
        if (this.alphabet[lc] === 0) {
          this.alphabet[lc] = k++;
        }
      }
    }
    for (let c = 65; c <= 90; c++) this.alphabet[c] = this.alphabet[c + 32]!;
    this.width = k;
    const width = k;
    // Trie: one map of edges (state * width + letter → state) and each keyword's end state. Typed
    // arrays and a single map, not a map and a list per state: tens of thousands of states for the
    // prompt-injection signals, built on first use.
    const edges = new Map<number, number>();
    const endOf = new Int32Array(keywords.length);
    let n = 1;
    keywords.forEach((w, idx) => {
      let st = 0;
      for (let i = 0; i < w.length; i++) {
        const key = st * width + this.alphabet[lower(w.charCodeAt(i))]!;
        let nxt = edges.get(key);
        if (nxt === undefined) {
          nxt = n++;
          edges.set(key, nxt);
        }
        st = nxt;
      }
      endOf[idx] = st;
    });
    if (n > STATE_MASK) throw new RangeError(`keyword automaton: ${n} states (at most ${STATE_MASK})`);
    const delta = new Uint16Array(n * width);
    for (const [key, to] of edges) delta[key] = to;
    // Breadth-first, completing the transitions into a DFA in place: a state's row holds only its
    // trie children (never state 0) until the state is reached; the rest comes from its fail state.
    const fail = new Uint16Array(n);
    const order = new Uint16Array(n);
    let tail = 0;
    for (let a = 1; a < width; a++) {
      const t = delta[a]!;
      if (t !== 0) order[tail++] = t;
    }
    for (let head = 0; head < tail; head++) {
      const st = order[head]!;
      const f = fail[st]!;
      for (let a = 1; a < width; a++) {
        const t = delta[st * width + a]!;
        if (t !== 0) {
          fail[t] = delta[f * width + a]!;
          order[tail++] = t;
        } else delta[st * width + a] = delta[f * width + a]!;
      }
    }
    // Keywords ending at each state: its own (in keyword order), then those of its fail state.
    const own = new Int32Array(n + 1);
    for (let idx = 0; idx < endOf.length; idx++) own[endOf[idx]! + 1]!++;
    for (let st = 0; st < n; st++) own[st + 1]! += own[st]!;
    const ownList = new Int32Array(keywords.length);
    const fill = own.slice(0, n);
    for (let idx = 0; idx < endOf.length; idx++) ownList[fill[endOf[idx]!]!++] = idx;
    const count = new Int32Array(n);
    for (let st = 0; st < n; st++) count[st] = own[st + 1]! - own[st]!;
    for (let i = 0; i < tail; i++) {
      const st = order[i]!;
      count[st]! += count[fail[st]!]!;
    }
    this.outStart = new Int32Array(n + 1);
    for (let st = 0; st < n; st++) this.outStart[st + 1] = this.outStart[st]! + count[st]!;
    this.outList = new Int32Array(this.outStart[n]!);
    const write = (st: number): void => {
      let at = this.outStart[st]!;
      for (let k2 = own[st]!; k2 < own[st + 1]!; k2++) this.outList[at++] = ownList[k2]!;
      if (st === 0) return;
      const f = fail[st]!;
      for (let k2 = this.outStart[f]!; k2 < this.outStart[f + 1]!; k2++) this.outList[at++] = this.outList[k2]!;
    };
    write(0);
    for (let i = 0; i < tail; i++) write(order[i]!);
    this.lens = Int32Array.from(keywords.map((w) => w.length));
    for (let t = 0; t < delta.length; t++) {
      const to = delta[t]!;
      if (this.outStart[to + 1]! > this.outStart[to]!) delta[t] = to | OUT_FLAG;
    }
    this.delta = delta;
  }

  /** Calls `hit(keywordIndex, start)` for every occurrence, in order of end position. */
  search(text: string, hit: (keyword: number, start: number) => void): void {
    this.searchCodes(codeUnits(text), text.length, hit);
  }

  /** `search` over the first `n` UTF-16 code units of a buffer (faster to walk than a string). */
  searchCodes(codes: Uint16Array, n: number, hit: (keyword: number, start: number) => void): void {
    const alphabet = this.alphabet;
    const delta = this.delta;
    const width = this.width;
    const outStart = this.outStart;
    const outList = this.outList;
    const lens = this.lens;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      const a = c < 128 ? alphabet[c]! : 0;
      if (a === 0) {
        s = 0;
        continue;
      }
      const v = delta[s * width + a]!;
      s = v & STATE_MASK;
      if (v === s) continue;
      const o1 = outStart[s + 1]!;
      for (let k = outStart[s]!; k < o1; k++) {
        const kw = outList[k]!;
        hit(kw, i + 1 - lens[kw]!);
      }
    }
  }
}

// The code units of the most recent text read (scan runs several detectors on one text): either
// this module's buffer or one normalize.ts filled while reading the text (its slot 0).
let cachedText: string | undefined;
let cachedCodes: Uint16Array = new Uint16Array(0);
let own = new Uint16Array(1024);

/** The UTF-16 code units of a text, in a buffer that later calls may reuse. */
export function codeUnits(text: string): Uint16Array {
  if (text === cachedText) return cachedCodes;
  if (own.length < text.length) own = new Uint16Array(text.length + (text.length >> 2));
  for (let i = 0; i < text.length; i++) own[i] = text.charCodeAt(i);
  cachedText = text;
  cachedCodes = own;
  return own;
}

/** Records the code units of a text another pass has read into its own buffer. */
export function rememberCodeUnits(text: string, codes: Uint16Array): void {
  cachedText = text;
  cachedCodes = codes;
}

const OUT_FLAG = 1 << 15;
const STATE_MASK = OUT_FLAG - 1;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
