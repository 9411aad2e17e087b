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
    // trie
    const trie: Map<number, number>[] = [new Map()];
    const outSets: number[][] = [[]];
    keywords.forEach((w, idx) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const a = this.alphabet[lower(w.charCodeAt(i))]!;
        let nxt = trie[s]!.get(a);
        if (nxt === undefined) {
          nxt = trie.length;
          trie.push(new Map());
          outSets.push([]);
          trie[s]!.set(a, nxt);
        }
        s = nxt;
      }
      outSets[s]!.push(idx);
    });
    const n = trie.length;
    if (n > STATE_MASK) throw new RangeError(`keyword automaton: ${n} states (at most ${STATE_MASK})`);
    this.delta = new Uint16Array(n * this.width);
    const fail = new Uint16Array(n);
    // breadth-first: complete transitions into a DFA
    const queue: number[] = [];
    for (let a = 1; a < this.width; a++) {
      const t = trie[0]!.get(a);
      if (t !== undefined) {
        this.delta[a] = t;
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      for (const o of outSets[f]!) outSets[s]!.push(o);
      for (let a = 1; a < this.width; a++) {
        const t = trie[s]!.get(a);
        if (t !== undefined) {
          fail[t] = this.delta[f * this.width + a]!;
          this.delta[s * this.width + a] = t;
          queue.push(t);
        } else {
          this.delta[s * this.width + a] = this.delta[f * this.width + a]!;
        }
      }
    }
    this.outStart = new Int32Array(n + 1);
    const flat: number[] = [];
    for (let st = 0; st < n; st++) {
      this.outStart[st] = flat.length;
      for (const o of outSets[st]!) flat.push(o);
    }
    this.outStart[n] = flat.length;
    this.outList = Int32Array.from(flat);
    this.lens = Int32Array.from(keywords.map((w) => w.length));
    for (let t = 0; t < this.delta.length; t++) {
      const to = this.delta[t]!;
      if (this.outStart[to + 1]! > this.outStart[to]!) this.delta[t] = to | OUT_FLAG;
    }
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
