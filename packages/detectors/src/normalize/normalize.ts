import { rememberCodeUnits } from '../util/aho-corasick.js';

/**
 * Text normalization for matching, with a map back to the original offsets.
 *
 * What it undoes: Unicode compatibility forms (fullwidth, mathematical alphanumerics, circled
 * letters: NFKC/NFKD), accents on Latin, Greek and Cyrillic letters, zero-width and bidi control
 * characters, Unicode tag characters (decoded to the ASCII they hide), Cyrillic/Greek homoglyphs
 * inside Latin words, leetspeak digits inside words, letter-spacing (`i g n o r e`), case, and
 * runs of whitespace (a run with a newline becomes `\n`, any other run one space).
 */
export interface Normalized {
  readonly text: string;
  /** `map[j]` is the original offset of normalized character j; `map[text.length]` = original length. */
  readonly map: Int32Array;
  readonly originalLength: number;
}

function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, LRM/RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible operators
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0xfeff ||
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x180e ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    cp === 0xe0001 ||
    cp === 0xe007f ||
    (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) ||
    (cp >= 0x7f && cp < 0xa0)
  );
}

// Latin, Greek, Cyrillic and Latin Extended Additional: decompose and drop accents.
function decomposesToBase(cp: number): boolean {
  return cp < 0x250 || (cp >= 0x370 && cp <= 0x52f) || (cp >= 0x1e00 && cp <= 0x1fff);
}

const EXTRA: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201b': "'", '\u2032': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u00ab': '"', '\u00bb': '"', ı: 'i', đ: 'd', ð: 'd', ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ſ: 's' };

// Cyrillic and Greek letters that look like Latin ones (lower case, after case folding).
const HOMOGLYPH: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ɡ: 'g',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c',
};


/** Normalizes `input` in one pass plus linear fix-up passes over a code-unit buffer. */
export function normalize(input: string): Normalized {
  const v = normalizeShared(input, 0);
  return { text: v.text, map: v.map.slice(), originalLength: v.originalLength };
}

/** A normalized text whose `map` is a view into a buffer reused by the next call with the same slot. */
export interface SharedNormalized extends Normalized {
  /** The input held no character outside ASCII. */
  readonly ascii: boolean;
  /** [start, end) pairs of the input's runs of 20 or more base64-alphabet characters (for decode.ts). */
  readonly b64Runs: readonly number[];
  /** The normalized text's code units, `codes[0 .. text.length)` (a view into the slot's buffer). */
  readonly codes: Uint16Array;
}

// base64 alphabet (A-Z a-z 0-9 + / _ -), by ASCII code
const B64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) B64[c] = /[A-Za-z0-9+/_-]/.test(String.fromCharCode(c)) ? 1 : 0;
const B64_MIN_RUN = 20;


interface Slot {
  out: Uint16Array;
  src: Int32Array;
  /** The input's own code units (slot 0 lends them to the other detectors of the same scan). */
  orig: Uint16Array;
}
const SLOTS: Slot[] = [0, 1, 2].map(() => ({ out: new Uint16Array(1024), src: new Int32Array(1024), orig: new Uint16Array(1024) }));

// per-character results of the Unicode path (NFKC/NFKD, accents, case), cached
const CHAR_CACHE = new Map<number, string>();
function normalizeChar(cp: number): string {
  let r = CHAR_CACHE.get(cp);
  if (r !== undefined) return r;
  const ch = String.fromCodePoint(cp);
  if (decomposesToBase(cp)) r = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
  else {
    r = ch.normalize('NFKC').toLowerCase();
    if (r.length > 0 && r.charCodeAt(0) < 0x250) r = r.normalize('NFKD').replace(MARKS, '');
  }
  let e = '';
  for (const c of r) e += EXTRA[c] ?? c;
  if (CHAR_CACHE.size >= 8192) CHAR_CACHE.clear();
  CHAR_CACHE.set(cp, e);
  return e;
}

/**
 * `normalize` for the detectors' own use: the result's `map` is a view into a buffer that the next
 * call with the same `slot` overwrites, so nothing is allocated per character or per call beyond
 * the normalized string itself.
 */
export function normalizeShared(input: string, slot: 0 | 1 | 2): SharedNormalized {
  const n = input.length;
  const buf = SLOTS[slot]!;
  if (buf.out.length < n + 16) {
    buf.out = new Uint16Array(n + 16 + (n >> 2));
    buf.src = new Int32Array(buf.out.length);
    buf.orig = new Uint16Array(buf.out.length);
  }
  let out = buf.out;
  let src = buf.src;
  const orig = buf.orig;
  let len = 0;
  let pendingSpace = -1; // original offset of a pending whitespace run
  let pendingNewline = false;
  let confusables = false;
  let ascii = true;
  const b64Runs: number[] = [];
  let b64Start = -1;
  let i = 0;
  while (i < n) {
    let cp = input.charCodeAt(i);
    orig[i] = cp;
    const at = i;
    // ASCII fast path
    if (cp < 0x80) {
      i++;
      if (B64[cp] === 1) {
        if (b64Start < 0) b64Start = at;
      } else if (b64Start >= 0) {
        if (at - b64Start >= B64_MIN_RUN) b64Runs.push(b64Start, at);
        b64Start = -1;
      }
      if (cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d) {
        if (pendingSpace < 0) pendingSpace = at;
        if (cp === 0x0a || cp === 0x0d) pendingNewline = true;
        continue;
      }
      if (cp < 0x20 || cp === 0x7f) continue;
      if (pendingSpace >= 0) {
        if (len > 0) {
          out[len] = pendingNewline ? 0x0a : 0x20;
          src[len++] = pendingSpace;
        }
        pendingSpace = -1;
        pendingNewline = false;
      }
      out[len] = cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
      src[len++] = at;
      continue;
    }
    ascii = false;
    if (b64Start >= 0) {
      if (at - b64Start >= B64_MIN_RUN) b64Runs.push(b64Start, at);
      b64Start = -1;
    }
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        orig[i + 1] = lo;
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    i += width;
    if (cp >= 0xe0020 && cp <= 0xe007e) cp -= 0xe0000; // tag characters spell ASCII invisibly
    else if (isInvisible(cp)) continue;
    if (cp === 0xa0 || cp === 0x3000 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x85) {
      if (pendingSpace < 0) pendingSpace = at;
      if (cp === 0x2028 || cp === 0x2029 || cp === 0x85) pendingNewline = true;
      continue;
    }
    if (cp >= 0x300 && cp <= 0x36f) continue; // stray combining marks (zalgo)
    if ((cp >= 0x64b && cp <= 0x65f) || cp === 0x670) continue; // Arabic vowel marks (tashkeel)
    const e = cp < 0x80 ? String.fromCharCode(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp) : normalizeChar(cp);
    if (e.length === 0) continue;
    // room for the pending space and the expansion
    if (len + e.length + 1 >= out.length) {
      const o = new Uint16Array((out.length + e.length + 1) * 2);
      o.set(out.subarray(0, len));
      const s2 = new Int32Array(o.length);
      s2.set(src.subarray(0, len));
      out = buf.out = o;
      src = buf.src = s2;
    }
    if (pendingSpace >= 0) {
      if (len > 0) {
        out[len] = pendingNewline ? 0x0a : 0x20;
        src[len++] = pendingSpace;
      }
      pendingSpace = -1;
      pendingNewline = false;
    }
    for (let k = 0; k < e.length; k++) {
      const c = e.charCodeAt(k);
      if (!confusables && c >= 0x250 && HOMOGLYPH[String.fromCharCode(c)] !== undefined) confusables = true;
      out[len] = c;
      src[len++] = at;
    }
  }
  // homoglyphs: only inside words that also hold Latin letters, so Cyrillic and Greek text is left alone
  if (confusables) {
    let w = 0;
    while (w < len) {
      if (!isWordCode(out[w]!)) {
        w++;
        continue;
      }
      let e = w;
      let latin = false;
      let mixed = false;
      while (e < len && isWordCode(out[e]!)) {
        const c = out[e]!;
        if (c >= 0x61 && c <= 0x7a) latin = true;
        else if (c >= 0x250 && HOMOGLYPH[String.fromCharCode(c)] !== undefined) mixed = true;
        e++;
      }
      if (latin && mixed) {
        for (let k = w; k < e; k++) {
          const m = HOMOGLYPH[String.fromCharCode(out[k]!)];
          if (m !== undefined) out[k] = m.charCodeAt(0);
        }
      }
      w = e;
    }
  }
  if (b64Start >= 0 && n - b64Start >= B64_MIN_RUN) b64Runs.push(b64Start, n);
  // one pass over the words of [a-z0-9@$]:
  // - leetspeak: in a word of at least two Latin letters, digits and @/$ stand for letters (h4ck, 1gn0re)
  // - letter-spacing: four or more single letters separated by one separator (i g n o r e) are joined
  let drop: Uint8Array | undefined;
  for (let k = 0; k < len; ) {
    const c0 = out[k]!;
    if (!((c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x30 && c0 <= 0x39) || c0 === 0x40 || c0 === 0x24)) {
      k++;
      continue;
    }
    let e = k;
    let letters = 0;
    let leet = 0;
    for (; e < len; e++) {
      const c = out[e]!;
      if (c >= 0x61 && c <= 0x7a) letters++;
      else if ((c >= 0x30 && c <= 0x39) || c === 0x40 || c === 0x24) leet++;
      else break;
    }
    if (leet > 0 && letters >= 2 && leet <= letters) {
      for (let t = k; t < e; t++) {
        const m = LEET_CODE[out[t]!];
        if (m !== undefined) out[t] = m;
      }
    }
    // a single letter, not preceded by a letter: the start of a letter-spaced word?
    if (e === k + 1 && letters === 1 && !(k > 0 && isLowerCode(out[k - 1]!)) && e < len) {
      const sep = out[e]!;
      if (sep === 0x20 || sep === 0x2e || sep === 0x2d || sep === 0x5f || sep === 0x2a) {
        let j = k;
        let count = 1;
        while (j + 2 < len && out[j + 1] === sep && isLowerCode(out[j + 2]!) && !(j + 3 < len && isLowerCode(out[j + 3]!))) {
          j += 2;
          count++;
        }
        if (count >= 4) {
          drop ??= new Uint8Array(len);
          for (let t = k + 1; t < j; t += 2) drop[t] = 1;
          k = j + 1;
          continue;
        }
      }
    }
    k = e;
  }
  let m = len;
  if (drop) {
    m = 0;
    for (let k = 0; k < len; k++) {
      if (drop[k]) continue;
      out[m] = out[k]!;
      src[m++] = src[k]!;
    }
  }
  const text = m === 0 ? '' : Buffer.from(out.buffer, out.byteOffset, m * 2).toString('utf16le');
  if (src.length < m + 1) {
    const s2 = new Int32Array(m + 1);
    s2.set(src.subarray(0, m));
    src = buf.src = s2;
  }
  src[m] = n;
  if (slot === 0) rememberCodeUnits(input, orig);
  return { text, map: src.subarray(0, m + 1), originalLength: n, ascii, b64Runs, codes: out };
}

const MARKS = /\p{M}/gu;
const LEET_CODE: Record<number, number> = { 0x30: 0x6f, 0x31: 0x69, 0x33: 0x65, 0x34: 0x61, 0x35: 0x73, 0x37: 0x74, 0x40: 0x61, 0x24: 0x73 };
function isLowerCode(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  return c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f);
}

/** Normalizes the literal text of a pattern the same way `normalize` treats characters (accents off Latin, Greek and Cyrillic; NFKC elsewhere), leaving regex syntax alone. */
export function normalizeLiteral(source: string): string {
  let out = '';
  for (const ch of source) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (decomposesToBase(cp)) out += ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    else out += ch.normalize('NFKC').toLowerCase();
  }
  return out;
}

/** Maps a span of the normalized text back to the original text. */
export function originalSpan(norm: Normalized, original: string, start: number, end: number): [number, number] {
  const len = norm.text.length;
  const s = norm.map[Math.min(start, len)]!;
  if (end <= start) return [s, s];
  const last = norm.map[Math.min(end, len) - 1]!;
  const c = original.charCodeAt(last);
  const e = last + (c >= 0xd800 && c <= 0xdbff && last + 1 < original.length ? 2 : 1);
  return [s, e];
}
