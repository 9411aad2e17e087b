/**
 * Finds encoded segments (base64, hex, Morse) in a text and decodes the ones that turn out to be
 * readable text, so the prompt-injection signals can run on what they hide. Every pattern ends in a
 * large repetition that succeeds greedily, so a failed attempt costs little; the number and total
 * size of decoded segments are capped.
 */
import { KeywordAutomaton } from '../util/aho-corasick.js';

export interface DecodedSegment {
  /** Span of the encoded text in the original. */
  readonly start: number;
  readonly end: number;
  readonly encoding: 'base64' | 'hex' | 'binary' | 'morse';
  readonly decoded: string;
}

const BASE64 = /[A-Za-z0-9+/_-]{20,8192}={0,2}/g;
// hex of ASCII text: every byte is 0x20-0x7e, so each pair starts with a digit 2-7 (cheap to scan for)
const HEX = /(?:\\x|0x)?[2-7][0-9a-fA-F](?:(?:[ :]|\\x|,? ?0x)?[2-7][0-9a-fA-F]){9,4096}/g;
// 8-bit binary groups: 01001000 01101001 …
const BINARY = /[01]{8}(?:[ ,]{1,2}[01]{8}){5,4096}/g;
const MORSE = /[.-]{1,6}(?:(?: \/ | {1,3}|\/)[.-]{1,6}){5,2048}/g;

const MAX_SEGMENTS = 32;
const MAX_DECODED = 64 * 1024;

/** Share of characters that are printable text; decoded binary scores low. */
function readable(s: string): boolean {
  if (s.length < 8) return false;
  let ok = 0;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || c >= 0xa0) ok++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0) letters++;
    if (c === 0x20) spaces++;
  }
  return ok / s.length > 0.95 && letters / s.length > 0.5 && spaces > 0;
}

/** [start, end) pairs of the runs of 20 or more base64-alphabet characters. */
export function base64Runs(text: string): number[] {
  const runs: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (!isB64(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isB64(text.charCodeAt(j))) j++;
    if (j - i >= 20) runs.push(i, j);
    i = j;
  }
  return runs;
}

function isB64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x5f || c === 0x2d;
}
function hasMixedCase(s: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < s.length && !(upper && lower); i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
  }
  return upper && lower;
}
function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function utf8(bytes: Buffer): string {
  return bytes.toString('utf8');
}

const MORSE_TABLE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h', '..': 'i', '.---': 'j', '-.-': 'k', '.-..': 'l', '--': 'm',
  '-.': 'n', '---': 'o', '.--.': 'p', '--.-': 'q', '.-.': 'r', '...': 's', '-': 't', '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x', '-.--': 'y', '--..': 'z',
  '-----': '0', '.----': '1', '..---': '2', '...--': '3', '....-': '4', '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9', '..--..': '?', '.-.-.-': '.', '--..--': ',',
};

/**
 * `b64Runs`: the [start, end) runs of 20 or more base64-alphabet characters, when the caller has
 * them already (normalizeShared collects them in its pass); otherwise they are found here.
 */
export function findEncodedSegments(text: string, b64Runs?: readonly number[]): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  let budget = MAX_DECODED;
  const push = (seg: DecodedSegment): boolean => {
    out.push(seg);
    budget -= seg.decoded.length;
    return out.length < MAX_SEGMENTS && budget > 0;
  };
  HEX.lastIndex = 0;
  for (let m = HEX.exec(text); m !== null; m = HEX.exec(text)) {
    const digits = m[0].replace(/\\x|0x|[ :,]/g, '');
    if (digits.length % 2 !== 0) continue;
    const decoded = utf8(Buffer.from(digits, 'hex'));
    if (readable(decoded) && !push({ start: m.index, end: m.index + m[0].length, encoding: 'hex', decoded })) return out;
  }
  // base64: maximal runs of the alphabet, 20 characters or more (split every 8192 characters)
  const runs = b64Runs ?? base64Runs(text);
  for (let r = 0; r < runs.length; r += 2) {
    const runEnd = runs[r + 1]!;
    for (let i = runs[r]!; i < runEnd; ) {
      const j = Math.min(runEnd, i + 8192);
      if (j - i < 20) break;
      let e = j;
      if (e === runEnd) {
        if (text.charCodeAt(e) === 0x3d) e++;
        if (e > j && text.charCodeAt(e) === 0x3d) e++;
      }
      const seg = text.slice(i, e);
      if (hasMixedCase(seg) && !isHex(seg)) {
        const decoded = utf8(Buffer.from(seg.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
        if (readable(decoded) && !push({ start: i, end: e, encoding: 'base64', decoded })) return out;
      }
      i = e;
    }
  }
  BINARY.lastIndex = 0;
  for (let m = BINARY.exec(text); m !== null; m = BINARY.exec(text)) {
    const groups = m[0].split(/[ ,]{1,2}/);
    const decoded = String.fromCharCode(...groups.map((g) => parseInt(g, 2)));
    if (readable(decoded) && !push({ start: m.index, end: m.index + m[0].length, encoding: 'binary', decoded })) return out;
  }
  MORSE.lastIndex = 0;
  for (let m = MORSE.exec(text); m !== null; m = MORSE.exec(text)) {
    const words = m[0].split(/ \/ |\//);
    const decoded = words.map((w) => w.split(/ {1,3}/).map((l) => MORSE_TABLE[l] ?? '').join('')).join(' ');
    if (decoded.includes(' ') && !push({ start: m.index, end: m.index + m[0].length, encoding: 'morse', decoded })) return out;
  }
  return out;
}

/** ROT13 of ASCII letters (self-inverse). */
export function rot13(s: string): string {
  let r = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) r += String.fromCharCode(((c - 97 + 13) % 26) + 97);
    else if (c >= 65 && c <= 90) r += String.fromCharCode(((c - 65 + 13) % 26) + 65);
    else r += s[i];
  }
  return r;
}

/** Shifts lower-case ASCII letters by `k` places (Caesar). */
export function shiftLetters(s: string, k: number): string {
  const out = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c >= 97 && c <= 122 ? ((c - 97 + k) % 26) + 97 : c;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}

// Common words whose Caesar-shifted forms betray a shifted text.
const CAESAR_WORDS = ['the', 'and', 'you', 'your', 'what', 'this', 'that', 'with', 'are', 'ignore', 'previous', 'instructions', 'password', 'secret', 'tell', 'system', 'prompt'];
let caesarAutomaton: KeywordAutomaton | undefined;
function getCaesar(): KeywordAutomaton {
  if (!caesarAutomaton) {
    const words: string[] = [];
    for (let k = 1; k < 26; k++) for (const w of CAESAR_WORDS) words.push(` ${shiftLetters(w, k)} `);
    caesarAutomaton = new KeywordAutomaton(words);
  }
  return caesarAutomaton;
}

/**
 * The Caesar shift (1..25) under which a lower-case text reads as English, or 0: the shift whose
 * shifted common words occur at least three times, as at least two different words. One pass.
 */
export function caesarShift(norm: string): number {
  const hits = new Uint16Array(26);
  const distinct = new Uint32Array(26);
  getCaesar().search(` ${norm} `, (k) => {
    const shift = Math.floor(k / CAESAR_WORDS.length) + 1;
    hits[shift]!++;
    distinct[shift]! |= 1 << k % CAESAR_WORDS.length;
  });
  let best = 0;
  for (let k = 1; k < 26; k++) {
    if (hits[k]! < 3 || popcount(distinct[k]!) < 2) continue;
    if (best === 0 || hits[k]! > hits[best]!) best = k;
  }
  return best;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Every pattern the decoder runs (for the boundedness test). */
export const DECODE_PATTERNS: readonly RegExp[] = [BASE64, HEX, BINARY, MORSE];
