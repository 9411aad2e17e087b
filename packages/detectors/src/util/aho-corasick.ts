/**
 * Aho–Corasick automaton over ASCII keywords, matched case-insensitively: one pass over the text
 * finds every occurrence of every keyword, so the secret rules' keyword prefilter costs O(n)
 * however many rules there are.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly alphabet = new Uint8Array(128);
  private readonly width: number;
  private readonly delta: Int32Array;
  private readonly out: (readonly number[] | undefined)[];

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
    this.delta = new Int32Array(n * this.width);
    const fail = new Int32Array(n);
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
    this.out = outSets.map((o) => (o.length ? o : undefined));
  }

  /** Calls `hit(keywordIndex, start)` for every occurrence, in order of end position. */
  search(text: string, hit: (keyword: number, start: number) => void): void {
    const { alphabet, delta, width, out, keywords } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const a = c < 128 ? alphabet[c]! : 0;
      s = a === 0 ? 0 : delta[s * width + a]!;
      const o = out[s];
      if (o !== undefined) for (const k of o) hit(k, i + 1 - keywords[k]!.length);
    }
  }
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
