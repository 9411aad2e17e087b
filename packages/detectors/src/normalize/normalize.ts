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
  const n = input.length;
  let cap = n + 16;
  let out = new Uint16Array(cap);
  let src = new Int32Array(cap);
  let len = 0;
  const push = (code: number, at: number): void => {
    if (len === cap) {
      cap *= 2;
      const o = new Uint16Array(cap);
      o.set(out);
      out = o;
      const s2 = new Int32Array(cap);
      s2.set(src);
      src = s2;
    }
    out[len] = code;
    src[len++] = at;
  };
  let pendingSpace = -1; // original offset of a pending whitespace run
  let pendingNewline = false;
  let confusables = false;
  for (let i = 0; i < n; ) {
    let cp = input.charCodeAt(i);
    const at = i;
    // ASCII fast path
    if (cp < 0x80) {
      i++;
      if (cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d) {
        if (pendingSpace < 0) pendingSpace = at;
        if (cp === 0x0a || cp === 0x0d) pendingNewline = true;
        continue;
      }
      if (cp < 0x20 || cp === 0x7f) continue;
      if (pendingSpace >= 0) {
        if (len > 0) push(pendingNewline ? 0x0a : 0x20, pendingSpace);
        pendingSpace = -1;
        pendingNewline = false;
      }
      push(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp, at);
      continue;
    }
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
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
    if (pendingSpace >= 0) {
      if (len > 0) push(pendingNewline ? 0x0a : 0x20, pendingSpace);
      pendingSpace = -1;
      pendingNewline = false;
    }
    if (cp < 0x80) {
      push(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp, at);
      continue;
    }
    if (cp >= 0x300 && cp <= 0x36f) continue; // stray combining marks (zalgo)
    const ch = String.fromCodePoint(cp);
    let norm: string;
    if (decomposesToBase(cp)) norm = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    else {
      norm = ch.normalize('NFKC').toLowerCase();
      if (norm.length > 0 && norm.charCodeAt(0) < 0x250) norm = norm.normalize('NFKD').replace(MARKS, '');
    }
    for (const c of norm) {
      const e = EXTRA[c] ?? c;
      if (HOMOGLYPH[e] !== undefined) confusables = true;
      for (let k = 0; k < e.length; k++) push(e.charCodeAt(k), at);
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
        else if (HOMOGLYPH[String.fromCharCode(c)] !== undefined) mixed = true;
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
  // leetspeak: in a word of at least two Latin letters, digits and @/$ stand for letters (h4ck, 1gn0re)
  for (let k = 0; k < len; ) {
    if (!isLeetWord(out[k]!)) {
      k++;
      continue;
    }
    let e = k;
    let letters = 0;
    let leet = 0;
    while (e < len && isLeetWord(out[e]!)) {
      const c = out[e]!;
      if (c >= 0x61 && c <= 0x7a) letters++;
      else leet++;
      e++;
    }
    if (letters >= 2 && leet > 0 && leet <= letters) {
      for (let t = k; t < e; t++) {
        const m = LEET_CODE[out[t]!];
        if (m !== undefined) out[t] = m;
      }
    }
    k = e;
  }
  // letter-spacing: four or more single letters separated by one separator
  let drop: Uint8Array | undefined;
  for (let k = 0; k < len; ) {
    if (!isLower(out[k]) || isLower(out[k - 1])) {
      k++;
      continue;
    }
    let j = k;
    let letters = 1;
    const sep = out[k + 1];
    if (sep === 0x20 || sep === 0x2e || sep === 0x2d || sep === 0x5f || sep === 0x2a) {
      while (out[j + 1] === sep && isLower(out[j + 2]) && !isLower(out[j + 3])) {
        j += 2;
        letters++;
      }
    }
    if (letters >= 4) {
      drop ??= new Uint8Array(len);
      for (let t = k + 1; t < j; t += 2) drop[t] = 1;
      k = j + 1;
    } else k++;
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
  const text = Buffer.from(out.buffer, out.byteOffset, m * 2).toString('utf16le');
  const map = new Int32Array(m + 1);
  map.set(src.subarray(0, m));
  map[m] = n;
  return { text, map, originalLength: n };
}

const MARKS = /\p{M}/gu;
const LEET_CODE: Record<number, number> = { 0x30: 0x6f, 0x31: 0x69, 0x33: 0x65, 0x34: 0x61, 0x35: 0x73, 0x37: 0x74, 0x40: 0x61, 0x24: 0x73 };
function isLower(c: number | undefined): boolean {
  return c !== undefined && c >= 0x61 && c <= 0x7a;
}
function isLeetWord(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || LEET_CODE[c] !== undefined || (c >= 0x30 && c <= 0x39);
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
