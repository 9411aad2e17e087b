import type { Finding, Severity } from '../types.js';
import { excerpt } from '../util/evidence.js';
import { FEATURES, featureVector, findSignals, type InjectionSource, type SignalMatch } from './features.js';
import { BIAS, WEIGHTS } from './weights.js';

export type { InjectionSource, SignalMatch } from './features.js';
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

function builtinScore(matches: readonly SignalMatch[], source: InjectionSource | undefined): number {
  const x = featureVector(matches, source);
  let z = BIAS;
  for (let i = 0; i < FEATURES.length; i++) if (x[i]) z += WEIGHTS[FEATURES[i]!];
  return sigmoid(z);
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
}

/** Calibrated probability (0..1) that the text carries a prompt injection. */
export function promptInjectionScore(text: string, opts: { source?: InjectionSource } = {}): number {
  const builtin = builtinScore(findSignals(text), opts.source);
  return Math.max(builtin, externalScore(text));
}

function severityFor(score: number): Severity {
  return score >= 0.95 ? 'critical' : score >= 0.8 ? 'high' : score >= 0.5 ? 'medium' : 'low';
}

/**
 * Prompt injection: one finding per matched signal when the text's score reaches the threshold
 * (each carries the text's score), or a single `classifier` finding over the whole text when only
 * the external classifier fired.
 */
export function detectPromptInjection(text: string, opts: PromptInjectionOptions = {}): Finding[] {
  const threshold = opts.threshold ?? PROMPT_INJECTION_THRESHOLD;
  const matches = findSignals(text);
  const builtin = builtinScore(matches, opts.source);
  const ext = externalScore(text);
  const score = Math.max(builtin, ext);
  if (score < threshold) return [];
  const severity = severityFor(score);
  if (matches.length === 0 || ext > builtin) {
    const f: Finding[] = [{ detector: 'prompt-injection', rule: 'classifier', severity, score, start: 0, end: text.length, evidence: excerpt(text, 0, text.length) }];
    if (matches.length === 0) return f;
  }
  // one finding per signal id and span; overlapping duplicates collapse
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const m of matches) {
    const key = `${m.id}:${m.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ detector: 'prompt-injection', rule: m.id, severity, score, start: m.start, end: m.end, evidence: excerpt(text, m.start, m.end) });
    if (out.length >= 32) break;
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}
