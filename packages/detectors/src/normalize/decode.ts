/**
 * Finds encoded segments (base64, hex, Morse) in a text and decodes the ones that turn out to be
 * readable text, so the prompt-injection signals can run on what they hide. Every pattern ends in a
 * large repetition that succeeds greedily, so a failed attempt costs little; the number and total
 * size of decoded segments are capped.
 */
export interface DecodedSegment {
  /** Span of the encoded text in the original. */
  readonly start: number;
  readonly end: number;
  readonly encoding: 'base64' | 'hex' | 'morse';
  readonly decoded: string;
}

const BASE64 = /[A-Za-z0-9+/_-]{20,8192}={0,2}/g;
// hex of ASCII text: every byte is 0x20-0x7e, so each pair starts with a digit 2-7 (cheap to scan for)
const HEX = /(?:\\x|0x)?[2-7][0-9a-fA-F](?:(?:[ :]|\\x|,? ?0x)?[2-7][0-9a-fA-F]){9,4096}/g;
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

function utf8(bytes: Buffer): string {
  return bytes.toString('utf8');
}

const MORSE_TABLE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h', '..': 'i', '.---': 'j', '-.-': 'k', '.-..': 'l', '--': 'm',
  '-.': 'n', '---': 'o', '.--.': 'p', '--.-': 'q', '.-.': 'r', '...': 's', '-': 't', '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x', '-.--': 'y', '--..': 'z',
  '-----': '0', '.----': '1', '..---': '2', '...--': '3', '....-': '4', '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9', '..--..': '?', '.-.-.-': '.', '--..--': ',',
};

export function findEncodedSegments(text: string): DecodedSegment[] {
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
  BASE64.lastIndex = 0;
  for (let m = BASE64.exec(text); m !== null; m = BASE64.exec(text)) {
    const s = m[0];
    // plain words and hex strings also match the alphabet: require base64's mix of cases or digits
    if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || /^[0-9a-fA-F]+$/.test(s)) continue;
    const decoded = utf8(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (readable(decoded) && !push({ start: m.index, end: m.index + s.length, encoding: 'base64', decoded })) return out;
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

/** Every pattern the decoder runs (for the boundedness test). */
export const DECODE_PATTERNS: readonly RegExp[] = [BASE64, HEX, MORSE];
