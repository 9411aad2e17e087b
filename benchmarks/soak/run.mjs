#!/usr/bin/env node
/**
 * Soak and durability, full size: `npm run bench:soak`. Writes benchmarks/results/soak.md.
 *  - audit durability: 50 runs of an app that logs heavily (denies written synchronously, alerts
 *    batched), each SIGKILLed at a different moment; every log verified, every deny the app saw found;
 *  - concurrency: 1,000 concurrent runs with interleaved tool calls, labels, overlays and denies;
 *  - heap: 100,000 decisions, heapUsed after forced GC every 5,000.
 * Options: --durability=N --runs=N --decisions=N (smaller sizes print and do not write the results file).
 * CI runs reduced sizes of the same checks: test/reliability/.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { durabilityRuns, heapFigures, loadApp } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const DURABILITY = Number(args.durability ?? 50);
const RUNS = Number(args.runs ?? 1000);
const DECISIONS = Number(args.decisions ?? 100000);
const full = DURABILITY >= 50 && RUNS >= 1000 && DECISIONS >= 100000;
const mb = (b) => (b / 1048576).toFixed(2);

console.log(`durability: ${DURABILITY} killed runs`);
const killed = await durabilityRuns(DURABILITY, (r) => process.stdout.write(r.acceptable && r.missing === 0 && r.recoveredOk ? '.' : 'X'));
console.log('');
const sum = (k) => killed.reduce((s, r) => s + r[k], 0);
const durability = {
  runs: killed.length,
  acceptable: killed.filter((r) => r.acceptable).length,
  torn: killed.filter((r) => r.torn).length,
  missing: sum('missing'),
  printed: sum('printed'),
  records: sum('records'),
  denies: sum('denies'),
  alerts: sum('alerts'),
  recovered: killed.filter((r) => r.recoveredOk).length,
  minRecords: Math.min(...killed.map((r) => r.records)),
  maxRecords: Math.max(...killed.map((r) => r.records)),
};
console.log(durability);

console.log(`concurrency: ${RUNS} runs`);
const conc = await loadApp('concurrency-app.mjs', { SOAK_RUNS: String(RUNS) });
console.log({ ...conc, stats: undefined });

console.log(`heap: ${DECISIONS} decisions`);
const heapReport = await loadApp('heap-app.mjs', { SOAK_DECISIONS: String(DECISIONS), SOAK_CHECKPOINT: '5000' });
const heap = heapFigures(heapReport);
console.log(heap);

const ok = durability.acceptable === durability.runs && durability.missing === 0 && durability.recovered === durability.runs && conc.problems.length === 0;
const md = `# Soak and audit durability

Written by \`npm run bench:soak\` (benchmarks/soak/run.mjs) on Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}).
Every app runs in its own process under \`node --import palisade/register\`; loopback only. CI runs the same
checks at reduced sizes (test/reliability/).

## Audit durability: ${durability.runs} processes killed with SIGKILL in the middle of heavy logging

The app makes one deny per iteration (written to the audit log before the denied call returns) and
compiles generated code the dangerous-code detector flags (two alerts per iteration, batched; every 200
iterations a burst of 2,000 alerts builds a batch of about a megabyte). After each deny returns, the app
writes its number to stdout synchronously. Each run is killed 30–400 ms after the app reaches full speed.

| | |
|---|---|
| runs | ${durability.runs} |
| logs \`verifyAuditLog\` accepted (intact, or only the last line torn) | ${durability.acceptable} / ${durability.runs} |
| logs with a torn last line | ${durability.torn} |
| denies the app saw (printed) | ${durability.printed} |
| of those, missing from the log | **${durability.missing}** |
| records in the logs (complete lines) | ${durability.records} (${durability.denies} denies, ${durability.alerts} alerts; ${durability.minRecords}–${durability.maxRecords} per run) |
| logs that verify after the next writer opens them | ${durability.recovered} / ${durability.runs} |

Alerts still in the batch at the kill (at most 100 ms worth, or the burst in progress) are lost by
design; denies never are.

## Concurrency: ${conc.runs} concurrent runs

Runs named \`reader-*\` and \`writer-*\` interleave (\`setImmediate\`, timers) through ${conc.steps} steps each:
tool calls, a \`fetch_page\` that labels a third of them \`untrusted\`, a write that only untainted
writers may make (a scope overlay allows it, a flow on \`untrusted\` denies it), a denied secret,
a tool outside the allow list. At every step each run checks its own scope attributes and labels, and
the outcome of each call against what its own overlay and labels say; a decision listener checks
that every recorded decision names the run that made it.

| | |
|---|---|
| runs | ${conc.runs} |
| tool calls | ${conc.toolCalls} |
| denies | ${conc.denies} |
| decisions recorded and checked | ${conc.recordsChecked} |
| labels, overlays or scopes seen in the wrong run | **${conc.problems.length}** |
| time | ${conc.ms} ms |

## Heap: ${heap.decisions.toLocaleString('en-US')} decisions

Allowed reads, denied reads of a new path every time (each recorded: listener and audit log), tool calls
in runs that come and go, labels and flows; \`heapUsed\` after \`gc()\` (node --expose-gc) every 5,000 decisions.
The bounded caches (verdicts, real paths) fill, clear and refill: the heap moves within a band, with
no upward trend.

| | MB |
|---|---|
| at start | ${mb(heap.startHeap)} |
| after warm-up (${heap.warmUpDecisions.toLocaleString('en-US')} decisions) | ${mb(heap.afterWarmUp)} |
| after warm-up: min – max | ${mb(heap.min)} – ${mb(heap.max)} |
| ceiling, middle third → last third | ${mb(heap.middleCeiling)} → ${mb(heap.lastCeiling)} (${heap.ceilingGrowth >= 0 ? '+' : ''}${mb(heap.ceilingGrowth)}) |
| at the end | ${mb(heap.final)} |
| trend after warm-up | ${heap.slopeBytesPerDecision.toFixed(2)} bytes per decision |

Checkpoints (decisions: MB): ${heapReport.heap.map((p) => `${p.decisions / 1000}k: ${mb(p.heapUsed)}`).join(', ')}.
`;
if (full) {
  writeFileSync(fileURLToPath(new URL('../results/soak.md', import.meta.url)), md);
  console.log('wrote benchmarks/results/soak.md');
} else console.log(md);
process.exit(ok ? 0 : 1);
