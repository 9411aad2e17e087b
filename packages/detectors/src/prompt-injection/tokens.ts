/**
 * Word tokens of normalized text (see normalize.ts), shared by the system-prompt profile
 * (context.ts) and the request reading (requests.ts). One pass, linear in the text.
 */

/** Any alphabetic script written with spaces. */
export const LATIN = 0;
/** Han and kana: no spaces, read as character bigrams. */
export const CJK = 1;
export const THAI = 2;

export function kindOf(c: number): number {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || c === 0x2d) return LATIN;
  if (c < 0xc0) return -1;
  if ((c >= 0x3040 && c < 0x3100) || (c >= 0x3400 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00) || c === 0x30fc) return CJK;
  if (c >= 0x0e00 && c < 0x0e80) return THAI;
  if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20)) return -1;
  if (c === 0x0964 || c === 0x0965 || c === 0x060c || c === 0x061f || c === 0x06d4) return -1; // danda, Arabic comma and question mark
  return LATIN;
}

function isQuoteOrDash(c: number): boolean {
  return c === 0x27 || c === 0x2d;
}

/** Tokens of a normalized text: words for spaced scripts, character bigrams for zh/ja, trigrams for Thai. */
export function tokens(norm: string): string[] {
  const out: string[] = [];
  const n = norm.length;
  let i = 0;
  while (i < n) {
    const k = kindOf(norm.charCodeAt(i));
    if (k === -1) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && kindOf(norm.charCodeAt(j)) === k) j++;
    if (k === LATIN) {
      // strip quotes and dashes around the word, and an English possessive
      let a = i;
      let b = j;
      while (a < b && a - i < 8 && isQuoteOrDash(norm.charCodeAt(a))) a++;
      if (b - a >= 2 && norm.charCodeAt(b - 1) === 0x73 && norm.charCodeAt(b - 2) === 0x27) b -= 2;
      else while (b > a && j - b < 8 && isQuoteOrDash(norm.charCodeAt(b - 1))) b--;
      if (b > a) out.push(norm.slice(a, b));
    } else {
      const g = k === CJK ? 2 : 3;
      if (j - i < g) out.push(norm.slice(i, j));
      for (let s = i; s + g <= j; s++) out.push(norm.slice(s, s + g));
    }
    i = j;
  }
  return out;
}

export function isCjkOrThai(w: string): boolean {
  const k = kindOf(w.charCodeAt(0));
  return k === CJK || k === THAI;
}

// sentences: end punctuation in the scripts above; also split at a newline
export const SENTENCE_END = /[.!?;\n\u3002\uff01\uff1f\u0964\u061f\u06d4]{1,8}(?:\s|$)|[\u3002\uff01\uff1f\u0964]/g;

export interface Sentence {
  readonly text: string;
  /** It ends with a question mark (any script). */
  readonly question: boolean;
}

/** The sentences of a normalized text, each marked when it ends with a question mark. */
export function sentences(norm: string): Sentence[] {
  const out: Sentence[] = [];
  const re = SENTENCE_END;
  re.lastIndex = 0;
  let from = 0;
  for (let m = re.exec(norm); m !== null; m = re.exec(norm)) {
    const text = norm.slice(from, m.index);
    const d = m[0];
    if (text.trim().length > 0) out.push({ text, question: d.includes('?') || d.includes('\uff1f') || d.includes('\u061f') });
    from = m.index + d.length;
    if (d.length === 0) re.lastIndex++;
  }
  const rest = norm.slice(from);
  if (rest.trim().length > 0) out.push({ text: rest, question: false });
  return out;
}

/** `phrase` occurs in `text` as whole words. */
export function containsWords(text: string, phrase: string): boolean {
  return indexOfWords(text, phrase, 0) >= 0;
}

/** Index of the first occurrence of `phrase` in `text` as whole words, from `from` on; -1 if none. */
export function indexOfWords(text: string, phrase: string, from: number): number {
  for (;;) {
    const i = text.indexOf(phrase, from);
    if (i < 0) return -1;
    if (!wordChar(text, i - 1) && !wordChar(text, i + phrase.length)) return i;
    from = i + 1;
  }
}

/** The character at `i` continues a word (an apostrophe does not: "is 'tidepool77'"). */
function wordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c !== 0x27 && kindOf(c) === LATIN;
}
