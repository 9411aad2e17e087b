/**
 * RUNS concurrent palisade.run() scopes with interleaved awaits, tool calls and
 * denies. Each run knows what it must see — its own attributes, only its own
 * labels, its own overlay, its own denies — and checks it at every step; the
 * decision listener checks that every recorded decision names the run that
 * made it. Prints one JSON report.
 */
import fs from 'node:fs';
import { palisade } from 'palisade';

const RUNS = Number(process.env.SOAK_RUNS ?? 1000);
const STEPS = Number(process.env.SOAK_STEPS ?? 6);
// out/, notes.txt and secret-key.txt are made by the harness (this policy lets the app write nowhere else).

const problems = [];
const problem = (what) => {
  if (problems.length < 50) problems.push(what);
};
let recordsChecked = 0;
palisade.on('decision', (r) => {
  recordsChecked++;
  // Targets name the run that asked: out/<agent>-<step>.txt, secret-key.txt?run=<agent> is not a path, so the write carries it.
  const m = /out\/((?:reader|writer)-\d+)-\d+\.txt$/.exec(r.target);
  if (m && r.scope?.attributes?.agent !== m[1]) problem(`a decision on ${r.target} was recorded under ${r.scope?.attributes?.agent}`);
});

const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tools = {
  search: palisade.tool('search', async (q) => {
    await tick();
    return `results for ${q}`;
  }),
  fetch_page: palisade.tool('fetch_page', async (url) => {
    await sleep(1);
    return `page ${url}`;
  }),
  summarize: palisade.tool('summarize', (text) => text.slice(0, 10)),
  write_report: palisade.tool('write_report', async (path, text) => {
    await tick();
    fs.writeFileSync(path, text);
    return 'written';
  }),
  delete_all: palisade.tool('delete_all', () => 'deleted'),
};

let denies = 0;
let toolCalls = 0;

async function oneRun(i) {
  const writer = i % 2 === 0;
  const tainted = i % 3 === 0;
  const agent = `${writer ? 'writer' : 'reader'}-${i}`;
  return palisade.run({ agent, user: `user-${i}` }, async () => {
    const expectLabels = () => (tainted && taintedYet ? ['untrusted'] : []);
    let taintedYet = false;
    for (let step = 0; step < STEPS; step++) {
      const s = palisade.scope();
      if (s?.attributes.agent !== agent || s?.attributes.user !== `user-${i}`) problem(`${agent} step ${step}: scope shows ${JSON.stringify(s?.attributes)}`);
      if (JSON.stringify(palisade.labels()) !== JSON.stringify(expectLabels())) problem(`${agent} step ${step}: labels ${JSON.stringify(palisade.labels())}`);
      switch (step % 6) {
        case 0:
          toolCalls++;
          if ((await tools.search(agent)) !== `results for ${agent}`) problem(`${agent}: search`);
          break;
        case 1:
          if (tainted) {
            toolCalls++;
            await tools.fetch_page(`https://example.com/${i}`);
            taintedYet = true;
          } else await tick();
          break;
        case 2: {
          // Writers may write under out/ unless the run is tainted; readers never.
          const mayWrite = writer && !(tainted && taintedYet);
          const path = `out/${agent}-${step}.txt`;
          toolCalls++;
          try {
            await tools.write_report(path, agent);
            if (!mayWrite) problem(`${agent}: a write that must be denied went through`);
          } catch (err) {
            if (err.code !== 'ERR_PALISADE_DENIED') throw err;
            denies++;
            if (mayWrite) problem(`${agent}: a write that must be allowed was denied (${err.rule})`);
          }
          break;
        }
        case 3:
          try {
            fs.readFileSync('secret-key.txt');
            problem(`${agent}: the secret was read`);
          } catch (err) {
            if (err.code !== 'ERR_PALISADE_DENIED') throw err;
            denies++;
          }
          if (fs.readFileSync('notes.txt', 'utf8') !== 'notes') problem(`${agent}: notes`);
          break;
        case 4:
          try {
            tools.delete_all();
            problem(`${agent}: delete_all ran`);
          } catch (err) {
            if (err.code !== 'ERR_PALISADE_DENIED') throw err;
            denies++;
          }
          break;
        case 5:
          await sleep(i % 3);
          toolCalls++;
          tools.summarize('a long text to summarize');
          break;
      }
    }
    // Inside a tool, the scope is the tool's, within this run.
    await palisade.tool('search', async () => {
      const s = palisade.scope();
      if (s?.tool !== 'search' || s.attributes.agent !== agent) problem(`${agent}: tool scope ${JSON.stringify(s)}`);
    })();
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: RUNS }, (_, i) => oneRun(i)));
if (palisade.scope() !== undefined) problem('a scope is still active outside every run');
console.log(JSON.stringify({ runs: RUNS, steps: STEPS, toolCalls, denies, recordsChecked, problems, ms: Math.round(performance.now() - started), stats: palisade.stats() }));
