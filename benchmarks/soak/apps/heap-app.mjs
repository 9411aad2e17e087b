/**
 * DECISIONS decisions of every kind — allowed reads (cached), denied reads of
 * ever-new paths (each recorded: listener, audit log), tool calls inside runs
 * that come and go, labels and flows — with heapUsed measured after a forced
 * GC every CHECKPOINT decisions. Prints one JSON report.
 */
import fs from 'node:fs';
import { palisade } from 'palisade';

const DECISIONS = Number(process.env.SOAK_DECISIONS ?? 100000);
// For the harness's own check that a leak is caught: keep this many bytes per decision (0: none).
const LEAK = Number(process.env.SOAK_SELF_TEST_LEAK ?? 0);
const kept = [];
const CHECKPOINT = Number(process.env.SOAK_CHECKPOINT ?? 5000);
// out/ and notes.txt are made by the harness.

let listened = 0;
palisade.on('decision', () => listened++);
const search = palisade.tool('search', (q) => q.length);
const fetchPage = palisade.tool('fetch_page', (u) => u.length);
const deleteAll = palisade.tool('delete_all', () => 0);

const heap = [];
const measure = (decisions) => {
  globalThis.gc();
  globalThis.gc();
  heap.push({ decisions, heapUsed: process.memoryUsage().heapUsed });
};

let made = 0;
let denied = 0;
measure(0);
while (made < DECISIONS) {
  const batch = Math.min(CHECKPOINT, DECISIONS - made);
  const runId = made;
  await palisade.run({ agent: `writer-${runId % 7}`, user: `u${runId}` }, async () => {
    for (let i = 0; i < batch; i++) {
      const k = made + i;
      if (LEAK > 0) kept.push('x'.repeat(LEAK) + k);
      switch (k % 5) {
        case 0:
          fs.readFileSync('notes.txt');
          break;
        case 1:
          try {
            fs.readFileSync(`secret-${k}.txt`); // a new path every time: caches fill, are bounded, and clear
          } catch {
            denied++;
          }
          break;
        case 2:
          search('q');
          break;
        case 3:
          try {
            deleteAll();
          } catch {
            denied++;
          }
          break;
        case 4:
          // A short run of its own: scopes, labels and flows come and go.
          palisade.run({ agent: `reader-${k % 13}` }, () => {
            fetchPage('https://example.com');
            try {
              fs.writeFileSync('out/x.txt', 'x');
            } catch {
              denied++;
            }
          });
          break;
      }
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve)); // let batched audit writes go
    }
  });
  made += batch;
  measure(made);
}
console.log(JSON.stringify({ decisions: made, denied, listened, checkpoint: CHECKPOINT, heap, stats: palisade.stats() }));
