import type { Finding, Severity } from '../types.js';
import { excerpt } from '../util/evidence.js';
import { analyze, FEATURES, featureVector, readContext, type Feature, type InjectionSource, type SignalMatch } from './features.js';
import { BIAS, WEIGHTS } from './weights.js';

export type { InjectionSource, SignalMatch } from './features.js';
export type { SystemPromptProfile } from './context.js';
export type { SecretItem } from './requests.js';
export { FEATURES } from './features.js';

/**
 * Default decision threshold on the calibrated score. 0.5 is where the model thinks an injection is
 * as likely as not on the tuning data; docs/detectors.md lists recall and false-positive rate at
 * 0.3, 0.5 and 0.7.
 */
export const PROMPT_INJECTION_THRESHOLD = 0.5;

let classifier: ((text: string) => number) | undefined;

/**
 * Plugs in an external classifier (e.g. a small local model) returning a score in 0..1. The score
 * used everywhere becomes max(built-in, classifier), so callers need no change. Pass `undefined` to
 * remove it. A classifier that throws or returns a non-number is ignored for that text.
 */
export function setPromptInjectionClassifier(fn: ((text: string) => number) | undefined): void {
  classifier = fn;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

interface Built {
  readonly matches: readonly SignalMatch[];
  /** System-prompt signals that fired (rule suffixes). */
  readonly context: readonly string[];
  readonly score: number;
}

const CONTEXT_RULES: readonly [Feature, string][] = [
  ['ctx-secret', 'secret'],
  ['ctx-personal', 'personal-data'],
  ['ctx-restricted', 'restricted-topic'],
  ['ctx-technique', 'technique'],
  ['ctx-content', 'content-instruction'],
];

function builtin(text: string, source: InjectionSource | undefined, systemPrompt: string | undefined): Built {
  const a = analyze(text, source);
  const context = systemPrompt !== undefined && systemPrompt.trim().length > 0 ? readContext(systemPrompt, text, a) : undefined;
  const x = featureVector(a.matches, source, context);
  let z = BIAS;
  for (let i = 0; i < FEATURES.length; i++) if (x[i]) z += WEIGHTS[FEATURES[i]!];
  const ctx: string[] = [];
  if (context) for (const [f, rule] of CONTEXT_RULES) if (x[FEATURES.indexOf(f)]) ctx.push(rule);
  return { matches: a.matches, context: ctx, score: sigmoid(z) };
}

function externalScore(text: string): number {
  if (!classifier) return 0;
  try {
    const s = classifier(text);
    return typeof s === 'number' && Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
  } catch {
    return 0;
  }
}

export interface PromptInjectionOptions {
  /** Score from which the text counts as an injection (default 0.5). */
  threshold?: number;
  /** `tool-output` for retrieved content (documents, web pages, tool results): enables the signals for instructions hidden in data. */
  source?: InjectionSource;
  /**
   * The system prompt of the same request. With it, the input is also read against what the
   * system prompt protects: a request for the secret it keeps (reveal, spell, translate, encode,
   * hint at, complete or compare it) or for the personal data it holds, a jailbreak technique under
   * a restrictive prompt (more so on a topic it forbids), instructions inside content the prompt
   * says the user submits. Sharing a word with what it protects is not enough ("How do I reset my
   * password?", "Can I get a discount?"). See docs/detectors.md.
   */
  systemPrompt?: string;
}

/** The binary feature vector (see PROMPT_INJECTION_FEATURES) the score is computed from; for calibration and inspection. */
export function promptInjectionFeatures(text: string, opts: { source?: InjectionSource; systemPrompt?: string } = {}): Float64Array {
  const a = analyze(text, opts.source);
  const context = opts.systemPrompt !== undefined && opts.systemPrompt.trim().length > 0 ? readContext(opts.systemPrompt, text, a) : undefined;
  return featureVector(a.matches, opts.source, context);
}

/** Calibrated probability (0..1) that the text carries a prompt injection. */
export function promptInjectionScore(text: string, opts: { source?: InjectionSource; systemPrompt?: string } = {}): number {
  return Math.max(builtin(text, opts.source, opts.systemPrompt).score, externalScore(text));
}

function severityFor(score: number): Severity {
  return score >= 0.95 ? 'critical' : score >= 0.8 ? 'high' : score >= 0.5 ? 'medium' : 'low';
}

/**
 * Prompt injection: when the text's score reaches the threshold, one finding per matched signal
 * (each carries the text's score), one `context.*` finding over the whole text per system-prompt
 * signal that fired (`context.secret`, `context.personal-data`, `context.restricted-topic`,
 * `context.technique`, `context.content-instruction`), and a `classifier` finding over the whole
 * text when the external classifier scored higher than the built-in score.
 */
export function detectPromptInjection(text: string, opts: PromptInjectionOptions = {}): Finding[] {
  const threshold = opts.threshold ?? PROMPT_INJECTION_THRESHOLD;
  const b = builtin(text, opts.source, opts.systemPrompt);
  const ext = externalScore(text);
  const score = Math.max(b.score, ext);
  if (score < threshold) return [];
  const severity = severityFor(score);
  const whole = (rule: string): Finding => ({ detector: 'prompt-injection', rule, severity, score, start: 0, end: text.length, evidence: excerpt(text, 0, text.length) });
  const out: Finding[] = [];
  if (ext > b.score || (b.matches.length === 0 && b.context.length === 0)) out.push(whole('classifier'));
  for (const c of b.context) out.push(whole(`context.${c}`));
  // one finding per signal id and span; overlapping duplicates collapse
  const seen = new Set<string>();
  for (const m of b.matches) {
    const key = `${m.id}:${m.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ detector: 'prompt-injection', rule: m.id, severity, score, start: m.start, end: m.end, evidence: excerpt(text, m.start, m.end) });
    if (out.length >= 32) break;
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}
