import { findEncodedSegments, rot13 } from '../normalize/decode.js';
import { normalize, originalSpan } from '../normalize/normalize.js';
import { KeywordAutomaton } from '../util/aho-corasick.js';
import { regexBound } from '../util/regex-bound.js';
import { requiredLiterals } from '../util/regex-literals.js';
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
] as const;
export type Feature = (typeof FEATURES)[number];

const STRONG: ReadonlySet<SignalCategory> = new Set(['override', 'new-instructions', 'role', 'leak', 'authority', 'secret-request', 'exfil', 'template']);
// Long texts skip the ROT13 pass unless something hints at it.
const ROT13_ALWAYS_BELOW = 4096;

// Scripts, for gating non-Latin signals: a signal with Cyrillic literals runs only on text with Cyrillic.
const SCRIPTS = 10;
function scriptOf(c: number): number {
  if (c < 0x370) return 0; // Latin supplements, symbols
  if (c < 0x400) return 1; // Greek
  if (c < 0x530) return 2; // Cyrillic
  if (c >= 0x600 && c < 0x700) return 3; // Arabic
  if (c >= 0x900 && c < 0x980) return 4; // Devanagari
  if (c >= 0x980 && c < 0xa00) return 5; // Bengali
  if (c >= 0xe00 && c < 0xe80) return 6; // Thai
  if ((c >= 0xac00 && c < 0xd7b0) || (c >= 0x1100 && c < 0x1200) || (c >= 0x3130 && c < 0x3190)) return 7; // Hangul
  if ((c >= 0x3040 && c < 0x3100) || (c >= 0x3400 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00)) return 8; // CJK, kana
  return 9;
}
function scriptMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) mask |= 1 << scriptOf(c);
  }
  return mask & ~1; // Latin supplements carry no gate of their own
}

// Keyword gate: a signal runs only when one of its necessary literals occurs in the text.
interface Gate {
  readonly automaton: KeywordAutomaton;
  /** For each keyword, the signals it opens. */
  readonly opens: readonly number[][];
  /** Signals with no usable literal: always run. */
  readonly always: readonly number[];
  /** Per script bit: signals with a literal in that script, run when the text holds that script. */
  readonly byScript: readonly number[][];
}
let gate: Gate | undefined;
function getGate(): Gate {
  if (gate) return gate;
  const index = new Map<string, number>();
  const opens: number[][] = [];
  const always: number[] = [];
  const byScript: number[][] = Array.from({ length: SCRIPTS }, () => []);
  SIGNALS.forEach((s, si) => {
    const lits = requiredLiterals(s.re.source);
    if (lits === null) {
      always.push(si);
      return;
    }
    let scripts = 0;
    for (const l of lits) {
      if (/[^\x00-\x7f]/.test(l)) {
        scripts |= scriptMask(l);
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
    for (let b = 0; b < SCRIPTS; b++) if (scripts & (1 << b)) byScript[b]!.push(si);
  });
  gate = { automaton: new KeywordAutomaton([...index.keys()]), opens, always, byScript };
  return gate;
}

const maxLens: number[] = SIGNALS.map((sg) => regexBound(sg.re.source).maxLen);

function run(text: string, out: { id: string; category: SignalCategory; start: number; end: number }[], only?: ReadonlySet<SignalCategory>): void {
  const g = getGate();
  const n = text.length;
  // per signal: -1 = whole text, otherwise merged windows around its keyword hits
  const windows: (number[] | -1 | undefined)[] = new Array(SIGNALS.length);
  for (const si of g.always) windows[si] = -1;
  const present = scriptMask(text);
  if (present !== 0) for (let b = 0; b < SCRIPTS; b++) if (present & (1 << b)) for (const si of g.byScript[b]!) windows[si] = -1;
  g.automaton.search(text, (k, pos) => {
    for (const si of g.opens[k]!) {
      let w = windows[si];
      if (w === -1) continue;
      if (w === undefined) w = windows[si] = [];
      const L = maxLens[si]!;
      const s = Math.max(0, pos - L - 1);
      const e = Math.min(n, pos + L + 2);
      const last = w.length - 2;
      if (last >= 0 && s <= w[last + 1]!) {
        if (e > w[last + 1]!) w[last + 1] = e;
      } else w.push(s, e);
    }
  });
  for (let si = 0; si < SIGNALS.length; si++) {
    const w = windows[si];
    if (w === undefined) continue;
    const sg = SIGNALS[si]!;
    if (only && !only.has(sg.category)) continue;
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

/** Every signal that fires on the text, its decoded segments and its ROT13 reading. */
export function findSignals(text: string): SignalMatch[] {
  const norm = normalize(text);
  const raw: { id: string; category: SignalCategory; start: number; end: number }[] = [];
  run(norm.text, raw);
  const out: SignalMatch[] = raw.map((r) => {
    const [start, end] = originalSpan(norm, text, r.start, r.end);
    return { id: r.id, category: r.category, start, end, decoded: false };
  });
  for (const seg of findEncodedSegments(text)) {
    const inner: typeof raw = [];
    run(normalize(seg.decoded).text, inner, STRONG);
    for (const r of inner) out.push({ id: `${r.id}@${seg.encoding}`, category: r.category, start: seg.start, end: seg.end, decoded: true });
  }
  if (norm.text.length <= ROT13_ALWAYS_BELOW || /\brot[ -]?13\b|\bcaesar\b|\bcipher\b/.test(norm.text)) {
    const inner: typeof raw = [];
    run(rot13(norm.text), inner, STRONG);
    for (const r of inner) {
      const [start, end] = originalSpan(norm, text, r.start, r.end);
      out.push({ id: `${r.id}@rot13`, category: r.category, start, end, decoded: true });
    }
  }
  return out;
}

/** Binary feature vector (see FEATURES) for the calibrated score. */
export function featureVector(matches: readonly SignalMatch[], source: InjectionSource | undefined): Float64Array {
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
    else set(c);
  }
  if (cats.has('framing') && (cats.has('secret-request') || cats.has('secret-mention') || cats.has('pii-request') || cats.has('role'))) set('framing+sensitive');
  const strong = [...cats].filter((c) => c !== 'embedded-request' && c !== 'framing').length;
  if (strong >= 3) set('categories>=3');
  return x;
}
