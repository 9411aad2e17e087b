/**
 * Load, CI size (full size: `npm run bench:soak`, figures in
 * benchmarks/results/soak.md): concurrent runs with interleaved tool calls,
 * labels, overlays and denies must never see each other's scope; decisions
 * in the tens of thousands must leave the heap flat after warm-up — and the
 * heap check must catch a leak when there is one.
 */
import t from 'tap';
// @ts-expect-error plain ESM module, no types
import { heapFigures, loadApp } from '../../benchmarks/soak/lib.mjs';

interface Concurrency {
  runs: number;
  toolCalls: number;
  denies: number;
  recordsChecked: number;
  problems: string[];
  stats: Record<string, number>;
}

interface Heap {
  decisions: number;
  denied: number;
  listened: number;
  heap: Array<{ decisions: number; heapUsed: number }>;
  stats: Record<string, number>;
}

interface Figures {
  ceilingGrowth: number;
  slopeBytesPerDecision: number;
  min: number;
  max: number;
}

const RUNS = Number(process.env.PALISADE_SOAK_RUNS ?? 300);
const DECISIONS = Number(process.env.PALISADE_SOAK_DECISIONS ?? 60000);

t.test(`${RUNS} concurrent runs: no label, overlay or scope bleeds between them`, async (t) => {
  const r = (await loadApp('concurrency-app.mjs', { SOAK_RUNS: String(RUNS) })) as Concurrency;
  t.same(r.problems, [], 'every run saw only its own attributes, labels, overlay and denies');
  t.equal(r.runs, RUNS);
  // Per run: the secret and delete_all are always denied; the write is denied unless the run is an untainted writer.
  const untaintedWriters = Array.from({ length: RUNS }, (_, i) => i).filter((i) => i % 2 === 0 && i % 3 !== 0).length;
  t.equal(r.denies, 2 * RUNS + (RUNS - untaintedWriters), 'exactly the denies the policy implies');
  t.equal(r.recordsChecked, r.denies, 'each deny was recorded once, under the run that made it');
  t.equal(r.stats.internalErrors, 0);
});

t.test(`${DECISIONS} decisions: the heap is flat after warm-up`, async (t) => {
  const r = (await loadApp('heap-app.mjs', { SOAK_DECISIONS: String(DECISIONS), SOAK_CHECKPOINT: '3000' })) as Heap;
  const f = heapFigures(r) as Figures;
  t.equal(r.listened, r.denied, 'every deny reached the listener');
  t.equal(r.stats.auditFailures, 0, 'and the audit log');
  t.ok(f.ceilingGrowth < 1024 * 1024, `the heap's ceiling did not rise after warm-up (${(f.ceilingGrowth / 1048576).toFixed(2)} MB)`);
  t.ok(f.slopeBytesPerDecision < 30, `no upward trend (${f.slopeBytesPerDecision.toFixed(1)} bytes per decision)`);
});

t.test('the heap check catches a leak of 200 bytes per decision', async (t) => {
  const r = (await loadApp('heap-app.mjs', { SOAK_DECISIONS: '30000', SOAK_CHECKPOINT: '3000', SOAK_SELF_TEST_LEAK: '200' })) as Heap;
  const f = heapFigures(r) as Figures;
  t.ok(f.ceilingGrowth >= 1024 * 1024 || f.slopeBytesPerDecision >= 30, `flagged (${(f.ceilingGrowth / 1048576).toFixed(2)} MB, ${f.slopeBytesPerDecision.toFixed(1)} B/decision)`);
});
