import { caesarShift, findEncodedSegments, rot13, shiftLetters } from '../normalize/decode.js';
import { normalizeShared, originalSpan } from '../normalize/normalize.js';
import { KeywordAutomaton } from '../util/aho-corasick.js';
import { regexBound } from '../util/regex-bound.js';
import { leadingLiterals, requiredLiterals } from '../util/regex-literals.js';
import { contextHits, profileSystemPrompt, type SystemPromptProfile } from './context.js';
import { SIGNALS, type SignalCategory } from './signals.js';

/** Where the text comes from: retrieved content (`tool-output`) is read differently from a user's input. */
export type InjectionSource = 'input' | 'output' | 'tool-output' | 'code' | 'shell';

export interface SignalMatch {
  readonly id: string;
  readonly category: SignalCategory;
  /** Span in the original text. */
  readonly start: number;
  readonly end: number;
  /** Found in decoded (base64/hex/Morse/ROT13) content. */
  readonly decoded: boolean;
}

/** Feature names, in the order of the weight vector. */
export const FEATURES = [
  'override',
  'new-instructions',
  'role',
  'template',
  'authority',
  'leak',
  'secret-request',
  'secret-mention',
  'pii-request',
  'exfil',
  'tool',
  'address-ai',
  'output-directive',
  'output-directive@retrieved',
  'code-directive',
  'embedded-request@retrieved',
  'framing',
  'encoded',
  'repetition',
  'hidden',
  'decoded-signal',
  'framing+sensitive',
  'categories>=3',
  'persuasion',
  'split',
  'dismiss',
  'assertion@retrieved',
  // read against the system prompt of the same request (all 0 without one)
  'ctx-secret',
  'ctx-personal',
  'ctx-restricted',
  'ctx-technique',
  'ctx-weak-technique',
  'ctx-content',
] as const;
export type Feature = (typeof FEATURES)[number];

const STRONG: ReadonlySet<SignalCategory> = new Set(['override', 'new-instructions', 'role', 'leak', 'authority', 'secret-request', 'exfil', 'template']);
// Long texts skip the ROT13 pass unless something hints at it.
const ROT13_ALWAYS_BELOW = 4096;

// Keyword gate: a signal runs only when one of its necessary literals occurs in the text, and then
// only in windows around the occurrences. ASCII literals go through one Aho–Corasick pass; the
// others (Cyrillic, CJK, Devanagari, …) are looked up from each non-ASCII character of the text.
interface Gate {
  readonly automaton: KeywordAutomaton;
  /** For each ASCII keyword, the signals it opens. */
  readonly opens: readonly number[][];
  /** Signals with no usable literal: always run. */
  readonly always: readonly number[];
  /** Non-ASCII literals by their first code unit: [literal, signals it opens]. */
  readonly wide: ReadonlyMap<number, readonly (readonly [string, readonly number[]])[]>;
  /** Marks the code units that begin a non-ASCII literal. */
  readonly wideFirst: Uint8Array;
  /**
   * Signals whose every match opens with one of their gate literals: tried only where one occurs
   * (a sticky copy of the pattern), instead of being scanned over a window around it.
   */
  readonly sticky: readonly (RegExp | undefined)[];
}
let gate: Gate | undefined;
function getGate(): Gate {
  if (gate) return gate;
  const index = new Map<string, number>();
  const opens: number[][] = [];
  const always: number[] = [];
  const wideLits = new Map<string, number[]>();
  const sticky: (RegExp | undefined)[] = new Array(SIGNALS.length);
  SIGNALS.forEach((s, si) => {
    const lead = s.gate ? null : leadingLiterals(s.re.source);
    const leadOk = lead !== null && lead.every((l) => !/[^\x00-\x7f]/.test(l) || /^[^\x00-\x7f]/.test(l));
    if (leadOk) sticky[si] = new RegExp(s.re.source, 'y');
    const lits = leadOk ? lead : (s.gate ?? requiredLiterals(s.re.source));
    if (lits === null) {
      always.push(si);
      return;
    }
    for (const l of lits) {
      if (/[^\x00-\x7f]/.test(l)) {
        // from its first non-ASCII character on (an ASCII prefix such as a space may differ in the text)
        const w = l.slice(l.search(/[^\x00-\x7f]/));
        let list = wideLits.get(w);
        if (!list) wideLits.set(w, (list = []));
        if (!list.includes(si)) list.push(si);
        continue;
      }
      let k = index.get(l);
      if (k === undefined) {
        k = index.size;
        index.set(l, k);
        opens.push([]);
      }
      opens[k]!.push(si);
    }
  });
  const wide = new Map<number, [string, number[]][]>();
  for (const [l, sis] of wideLits) {
    const c = l.charCodeAt(0);
    let list = wide.get(c);
    if (!list) wide.set(c, (list = []));
    list.push([l, sis]);
  }
  const wideFirst = new Uint8Array(65536);
  for (const c of wide.keys()) wideFirst[c] = 1;
  gate = { automaton: new KeywordAutomaton([...index.keys()]), opens, always, wide, wideFirst, sticky };
  return gate;
}

// Longest match of each signal, computed on first use (not at import: start-up cost).
let maxLensCache: number[] | undefined;
const signalMaxLens = (): number[] => (maxLensCache ??= SIGNALS.map((sg) => regexBound(sg.re.source).maxLen));

const NON_ASCII_RUN = /[^\x00-\x7f]{1,4096}/g;

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(text);
}

type Raw = { id: string; category: SignalCategory; start: number; end: number };

/**
 * Runs the signals on a normalized text: `only` keeps some categories, `skip` drops some;
 * `ascii` (the text has no character outside ASCII) spares the script scan.
 */
function run(text: string, out: Raw[], only?: ReadonlySet<SignalCategory>, skip?: SignalCategory, ascii = false, codes?: Uint16Array): void {
  ascii ||= isAscii(text);
  const g = getGate();
  const n = text.length;
  // per signal: -1 = whole text, otherwise merged windows around its keyword hits
  const windows: (number[] | -1 | undefined)[] = new Array(SIGNALS.length);
  for (const si of g.always) windows[si] = -1;
  const open = (sis: readonly number[], pos: number): void => {
    for (const si of sis) {
      let w = windows[si];
      if (w === -1) continue;
      if (skip !== undefined && SIGNALS[si]!.category === skip) continue;
      if (g.sticky[si] !== undefined) {
        // positions where a match may start
        if (w === undefined) w = windows[si] = [];
        w.push(pos);
        continue;
      }
      if (w === undefined) w = windows[si] = [];
      const L = signalMaxLens()[si]!;
      const s = Math.max(0, pos - L - 1);
      const e = Math.min(n, pos + L + 2);
      const last = w.length - 2;
      if (last >= 0 && s <= w[last + 1]!) {
        if (e > w[last + 1]!) w[last + 1] = e;
      } else w.push(s, e);
    }
  };
  const hit = (k: number, pos: number): void => open(g.opens[k]!, pos);
  if (codes) g.automaton.searchCodes(codes, n, hit);
  else g.automaton.search(text, hit);
  if (!ascii) {
    // runs of non-ASCII characters (found natively), then a table lookup per character in them
    const re = NON_ASCII_RUN;
    const first = g.wideFirst;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const end = m.index + m[0].length;
      for (let i = m.index; i < end; i++) {
        const c = codes ? codes[i]! : text.charCodeAt(i);
        if (first[c] === 0) continue;
        for (const [lit, sis] of g.wide.get(c)!) if (text.startsWith(lit, i)) open(sis, i);
      }
    }
  }
  for (let si = 0; si < SIGNALS.length; si++) {
    const w = windows[si];
    if (w === undefined) continue;
    const sg = SIGNALS[si]!;
    if ((only && !only.has(sg.category)) || sg.category === skip) continue;
    const sticky = g.sticky[si];
    if (sticky !== undefined && w !== -1) {
      // leftmost, non-overlapping matches, tried only at the literal hits
      if (w.length > 1) w.sort((a, b) => a - b);
      let last = -1;
      for (const pos of w) {
        if (pos < last) continue;
        sticky.lastIndex = pos;
        const m = sticky.exec(text);
        if (m === null) continue;
        out.push({ id: sg.id, category: sg.category, start: pos, end: pos + m[0].length });
        last = pos + Math.max(1, m[0].length);
      }
      continue;
    }
    const re = sg.re;
    if (w === -1 || (w.length === 2 && w[0] === 0 && w[1] === n)) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        out.push({ id: sg.id, category: sg.category, start: m.index, end: m.index + m[0].length });
        if (m[0].length === 0) re.lastIndex++;
      }
      continue;
    }
    for (let j = 0; j < w.length; j += 2) {
      const ws = w[j]!;
      const we = w[j + 1]!;
      // one character of context on each side keeps ^, $ and \b honest at the window's edges
      const slice = text.slice(ws, we);
      re.lastIndex = ws > 0 ? 1 : 0;
      for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
        if (m[0].length === 0) re.lastIndex++;
        const end = m.index + m[0].length;
        if (we < n && end >= slice.length) continue;
        out.push({ id: sg.id, category: sg.category, start: ws + m.index, end: ws + end });
      }
    }
  }
}

/** What the detector reads from a text: its normalized form, every signal match, and decoded segments. */
export interface Analysis {
  /** Normalized text (see normalize.ts). */
  readonly norm: string;
  readonly matches: SignalMatch[];
  /** Decoded segments (base64, hex, binary, Morse), normalized. */
  readonly decoded: readonly string[];
}

/**
 * Every signal that fires on the text, its decoded segments and its ROT13 (or other Caesar)
 * reading. With a `source` other than `tool-output`, the signals that only count in retrieved
 * content (a request line inside data) are not run.
 */
export function analyze(text: string, source?: InjectionSource | 'all'): Analysis {
  const norm = normalizeShared(text, 0);
  const nt = norm.text;
  const raw: Raw[] = [];
  const skip: SignalCategory | undefined = source === 'all' || source === 'tool-output' ? undefined : 'embedded-request';
  run(nt, raw, undefined, skip, norm.ascii, norm.codes);
  const out: SignalMatch[] = raw.map((r) => {
    const [start, end] = originalSpan(norm, text, r.start, r.end);
    return { id: r.id, category: r.category, start, end, decoded: false };
  });
  const decoded: string[] = [];
  // ROT13 and other Caesar shifts (short texts, or any text that names the cipher)
  if (nt.length <= ROT13_ALWAYS_BELOW || nt.includes('rot13') || nt.includes('rot 13') || nt.includes('rot-13') || nt.includes('caesar') || nt.includes('cipher')) {
    // a match the plain text has too (text in other scripts reads the same under ROT13) is not decoded
    const plain = new Set(raw.map((r) => `${r.id}:${r.start}:${r.end}`));
    const inner: Raw[] = [];
    run(rot13(nt), inner, STRONG, undefined, norm.ascii);
    for (const r of inner) {
      if (plain.has(`${r.id}:${r.start}:${r.end}`)) continue;
      const [start, end] = originalSpan(norm, text, r.start, r.end);
      out.push({ id: `${r.id}@rot13`, category: r.category, start, end, decoded: true });
    }
    const k = caesarShift(nt);
    if (k !== 0 && k !== 13) {
      const unshifted = shiftLetters(nt, 26 - k);
      decoded.push(unshifted);
      const inner2: Raw[] = [];
      run(unshifted, inner2, STRONG, undefined, norm.ascii);
      out.push({ id: 'encoded.caesar', category: 'encoded', start: 0, end: text.length, decoded: false });
      for (const r of inner2) {
        if (plain.has(`${r.id}:${r.start}:${r.end}`)) continue;
        const [start, end] = originalSpan(norm, text, r.start, r.end);
        out.push({ id: `${r.id}@caesar`, category: r.category, start, end, decoded: true });
      }
    }
  }
  shapeSignals(nt, (id, category, s, e) => {
    const [start, end] = originalSpan(norm, text, s, e);
    out.push({ id, category, start, end, decoded: false });
  });
  // base64, hex, binary and Morse segments: decoded, normalized (another buffer) and read again
  for (const seg of findEncodedSegments(text, norm.b64Runs)) {
    const d = normalizeShared(seg.decoded, 1);
    decoded.push(d.text);
    out.push({ id: `encoded.segment@${seg.encoding}`, category: 'encoded', start: seg.start, end: seg.end, decoded: false });
    const inner: Raw[] = [];
    run(d.text, inner, STRONG, undefined, d.ascii);
    for (const r of inner) out.push({ id: `${r.id}@${seg.encoding}`, category: r.category, start: seg.start, end: seg.end, decoded: true });
  }
  return { norm: nt, matches: out, decoded };
}

/** Every signal that fires on the text, its decoded segments and its ROT13 reading. */
export function findSignals(text: string): SignalMatch[] {
  return analyze(text, 'all').matches;
}

/**
 * Signals read from the shape of the text rather than a pattern: the same sentence repeated three
 * or more times (repeated-token attacks) and pig latin (a word game used to smuggle a request).
 * One linear pass over the normalized text.
 */
function shapeSignals(norm: string, emit: (id: string, category: SignalCategory, start: number, end: number) => void): void {
  const n = norm.length;
  // repeated sentences (split natively, counted in a map): a repeated-token attack is a short
  // prompt; long documents repeat lines (table rows, footers) for ordinary reasons
  if (n >= 24 && n <= REPEAT_MAX) {
    const seen = new Map<string, number>();
    let start = 0;
    for (const part of norm.split(SENTENCE_SPLIT)) {
      const len = part.length;
      if (len >= 8 && len <= 400) {
        const key = part.trim();
        const k = (seen.get(key) ?? 0) + 1;
        seen.set(key, k);
        if (k >= 3) {
          emit('repeat.repeated-sentence', 'repetition', start, start + len);
          break;
        }
      }
      start += len + 1;
    }
  }
  // pig latin: most words of three or more letters end in "ay" (counted only when "ay" endings are
  // frequent enough for that to be possible); like repetition, a smuggled request is short
  if (n <= REPEAT_MAX) {
    let ay = 0;
    for (let i = norm.indexOf('ay', 2); i >= 0 && ay < 4; i = norm.indexOf('ay', i + 2)) if (!isWordChar(norm.charCodeAt(i + 2)) && isLetter(norm.charCodeAt(i - 1)) && isLetter(norm.charCodeAt(i - 2))) ay++;
    if (ay >= 4) pigLatin(norm, emit);
  }
  // single-letter variables assigned strings (a = "…", b = "…"): a payload split into parts
  let lastAssign = -1000;
  for (let i = norm.indexOf('='); i >= 0; i = norm.indexOf('=', i + 1)) {
    let v = i - 1;
    if (norm.charCodeAt(v) === 0x20) v--;
    if (v < 0 || !isLetter(norm.charCodeAt(v)) || (v > 0 && isWordChar(norm.charCodeAt(v - 1)))) continue;
    let q = i + 1;
    if (norm.charCodeAt(q) === 0x20) q++;
    const c = norm.charCodeAt(q);
    if (c !== 0x22 && c !== 0x27) continue;
    if (v - lastAssign <= 300) {
      emit('split.assign-parts', 'split', lastAssign, q + 1);
      break;
    }
    lastAssign = v;
  }
}

const SENTENCE_SPLIT = /[.?!\n]/;
const REPEAT_MAX = 4096;

function pigLatin(norm: string, emit: (id: string, category: SignalCategory, start: number, end: number) => void): void {
  let words = 0;
  let ay = 0;
  let first = -1;
  let last = 0;
  for (let i = 0; i < norm.length; ) {
    if (!isLetter(norm.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < norm.length && isLetter(norm.charCodeAt(j))) j++;
    if (j - i >= 3) {
      words++;
      if (j - i >= 4 && norm.charCodeAt(j - 2) === 0x61 && norm.charCodeAt(j - 1) === 0x79) {
        ay++;
        if (first < 0) first = i;
        last = j;
      }
    }
    i = j;
  }
  if (ay >= 4 && ay * 10 >= words * 6) emit('encoded.pig-latin', 'encoded', first, last);
}

function isLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** The system prompt of the same request, read once, and what the input asks of it. */
export interface InjectionContext {
  readonly profile: SystemPromptProfile;
  /** Tokens in the input itself. */
  readonly tokens: number;
  /** The input asks for the prompt's secret (see ContextHits). */
  readonly secret: boolean;
  /** The input asks for personal data the prompt holds. */
  readonly personal: boolean;
  /** The input touches a restricted topic. */
  readonly restricted: boolean;
  /**
   * Where content the user submits begins in the input (after "Summarize this:", an opening quote
   * or a line break; original offsets), or the input's length when it has none.
   */
  readonly contentStart: number;
}

/** Reads an analysed input against a system prompt. */
export function readContext(systemPrompt: string, text: string, a: Analysis): InjectionContext {
  const profile = profileSystemPrompt(systemPrompt);
  let secret = false;
  let personal = false;
  let restricted = false;
  let tokens = 0;
  for (const t of [a.norm, ...a.decoded]) {
    const h = contextHits(profile, t);
    if (t === a.norm) tokens = h.tokens;
    secret ||= h.secret;
    personal ||= h.personal;
    restricted ||= h.restricted;
  }
  return { profile, tokens, secret, personal, restricted, contentStart: contentStart(text) };
}

/**
 * Offset of the first character of submitted content in an input: after the first colon followed
 * by a space or quote, an opening quote (not an apostrophe inside a word), a backtick or a line
 * break; the input's length when there is none ("Can you make the summary shorter?" is the user's
 * own request, not content). One pass.
 */
export function contentStart(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x60 || c === 0x22 || c === 0x201c || c === 0xab || c === 0x300c) return i;
    if (c === 0x3a && (i + 1 >= text.length || text.charCodeAt(i + 1) <= 0x20 || text.charCodeAt(i + 1) === 0x27 || text.charCodeAt(i + 1) === 0x22)) return i;
    if ((c === 0x27 || c === 0x2018) && (i === 0 || !isLetterOrDigit(text.charCodeAt(i - 1)))) return i;
    if (c === 0x3c && i + 1 < text.length && isLetterOrDigit(text.charCodeAt(i + 1))) return i; // <html>, <table>
  }
  return text.length;
}

function isLetterOrDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0;
}

// Techniques that, under a restrictive system prompt, mark an attempt to get around it; the weak
// ones (framing, claims of authority, output-format requests, "from now on") also occur in
// ordinary requests ("from now on, answer in French").
const TECHNIQUES: ReadonlySet<SignalCategory> = new Set(['override', 'role', 'template', 'leak', 'encoded', 'repetition', 'persuasion', 'split', 'hidden', 'dismiss']);
const WEAK_TECHNIQUES: ReadonlySet<SignalCategory> = new Set(['authority', 'framing', 'output-directive', 'new-instructions']);
// What carries an injection inside submitted content.
const CONTENT_CARRIERS: ReadonlySet<SignalCategory> = new Set(['override', 'new-instructions', 'role', 'template', 'authority', 'framing', 'encoded', 'assertion', 'output-directive', 'hidden', 'exfil', 'tool', 'address-ai', 'dismiss']);

/** Binary feature vector (see FEATURES) for the calibrated score. */
export function featureVector(matches: readonly SignalMatch[], source: InjectionSource | undefined, context?: InjectionContext): Float64Array {
  const x = new Float64Array(FEATURES.length);
  const set = (f: Feature): void => {
    x[FEATURES.indexOf(f)] = 1;
  };
  const retrieved = source === 'tool-output';
  const cats = new Set<SignalCategory>();
  for (const m of matches) {
    cats.add(m.category);
    if (m.decoded) set('decoded-signal');
  }
  for (const c of cats) {
    if (c === 'embedded-request') {
      if (retrieved) set('embedded-request@retrieved');
    } else if (c === 'output-directive') set(retrieved ? 'output-directive@retrieved' : 'output-directive');
    else if (c === 'assertion') {
      if (retrieved) set('assertion@retrieved');
    } else set(c);
  }
  if (context) {
    const p = context.profile;
    let technique = false;
    let weak = false;
    for (const c of cats) {
      if (TECHNIQUES.has(c)) technique = true;
      if (WEAK_TECHNIQUES.has(c)) weak = true;
    }
    // a request for the protected item itself, not a word it shares with one
    if (context.secret) set('ctx-secret');
    if (context.personal) set('ctx-personal');
    // a restricted topic counts only when the input also tries to get around the restriction
    if (context.restricted && (technique || weak)) set('ctx-restricted');
    if (p.restrictive && technique) set('ctx-technique');
    if (p.restrictive && weak) set('ctx-weak-technique');
    // instructions inside the content the user submits, not the user's own request about it
    if (p.content) for (const m of matches) if (CONTENT_CARRIERS.has(m.category) && m.end > context.contentStart) set('ctx-content');
  }
  if (cats.has('framing') && (cats.has('secret-request') || cats.has('secret-mention') || cats.has('pii-request') || cats.has('role'))) set('framing+sensitive');
  const strong = [...cats].filter((c) => c !== 'embedded-request' && c !== 'framing' && c !== 'assertion').length;
  if (strong >= 3) set('categories>=3');
  return x;
}
