#!/usr/bin/env node
/**
 * Overhead of Palisade against plain Node and two peer agents (Aikido Zen,
 * dd-trace AppSec + RASP), all measured in one run: every mode in fresh
 * processes, round-robin over the modes for several rounds, medians across
 * rounds, ratios to plain Node from this run only.
 * Writes benchmarks/results/overhead.md (and the README's performance table).
 *
 *   npm run bench:overhead                   # full run (6–7 minutes on 2 cores)
 *   node benchmarks/overhead/run.mjs --quick # CI-size (seconds): one short round, prints the tables, writes nothing
 *   options: --rounds=N --startup=N (startup samples per mode and round) --scale=F (iterations)
 *            --modes=plain,enforce,... --ops=readFileSync,fetch,... --preload=require (Palisade with
 *            --require instead of --import) --out=FILE --no-readme
 *   Only a full run writes benchmarks/results/overhead.md and the README table; others print, or
 *   write --out. Profiles of one mode: profile.mjs.
 *
 * Loopback only (the app's own servers, the mock LLM server and an OTLP sink
 * in this process); every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startMockLlm } from '../../test/fixtures/mock-llm/index.mjs';
import { MODEL, MODE_LABEL, MODE_ORDER, baseEnv, deadLoopbackPort, here, makeDataDir, modeSpecs, startOtlpSink } from './modes.mjs';

const root = resolve(here, '..', '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const quick = !!args.quick;
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 11));
const STARTUP_SAMPLES = Number(args.startup ?? (quick ? 2 : 5));
const SCALE = Number(args.scale ?? (quick ? 0.1 : 1));
const BATCHES = quick ? 3 : 5;
const preload = args.preload === 'require' ? 'require' : 'import';
const modes = (typeof args.modes === 'string' ? args.modes.split(',') : MODE_ORDER).filter((m) => MODE_ORDER.includes(m));
if (!modes.includes('plain')) modes.unshift('plain');
// Only a full run (every mode and operation, --import) replaces the results file and the README table.
const partial = quick || typeof args.ops === 'string' || modes.length !== MODE_ORDER.length || preload !== 'import';
const outFile = typeof args.out === 'string' ? resolve(args.out) : partial ? undefined : join(root, 'benchmarks', 'results', 'overhead.md');
const updateReadme = !partial && !args.out && !args['no-readme'];

const OPS = [
  ['readFileSync', 'fs.readFileSync, 88 B file (ns/op)'],
  ['promisesReadFile', 'fs.promises.readFile (ns/op)'],
  ['execFileSync', "execFileSync('true') (ns/op)"],
  ['netConnect', 'net.connect + close, loopback (ns/op)'],
  ['httpGet', 'HTTP GET, keep-alive (ns/op)'],
  ['httpGetReadFile', 'HTTP GET, handler reads the file the query names (ns/op)'],
  ['fetch', 'fetch, loopback (ns/op)'],
  ['openaiChat', 'openai chat.completions.create, mock server (ns/op)'],
];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const log = (s) => process.stderr.write(s + '\n');

/** Spawns a child, resolves with its stdout once `done(stdout)` says so (or it exits), then lets it exit (or kills it). */
let current; // the child running now, ended with this process on SIGINT/SIGTERM
function runChild(argv, env, { done, timeoutMs, graceMs }) {
  return new Promise((resolveRun) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let out = '';
    let err = '';
    let firstLineNs;
    let settled = false;
    let result;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      result = { out, err, firstLineNs };
      const doneAt = Date.now();
      const grace = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('close', (code, signal) => {
        clearTimeout(grace);
        resolveRun({ ...result, code, signal, err, exitMs: Date.now() - doneAt });
      });
      if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(grace);
        resolveRun({ ...result, code: child.exitCode, signal: child.signalCode, err });
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish();
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      if (firstLineNs === undefined && d.includes('\n')) firstLineNs = Number(process.hrtime.bigint() - t0);
      out += d;
      if (done(out)) finish();
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', () => finish());
  });
}

const started = Date.now();
const loadStart = loadavg();
const data = makeDataDir();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    current?.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
    process.exit(130);
  });
}
const llm = await startMockLlm({ defaultReply: { text: 'OK' } });
const sink = await startOtlpSink();
const specs = modeSpecs({ data, sinkUrl: sink.url, deadPort: await deadLoopbackPort(), preload });
const env0 = baseEnv();
const childEnv = (m) => ({
  ...env0,
  ...specs[m].env,
  BENCH_MODE: m,
  BENCH_DATA: data,
  BENCH_SCALE: String(SCALE),
  BENCH_BATCHES: String(BATCHES),
  BENCH_MOCK_LLM: llm.url,
  BENCH_MODEL: MODEL,
  ...(typeof args.ops === 'string' ? { BENCH_OPS: args.ops } : {}),
});

// Floors: what any design pays here, measured in the same rounds (plain Node, no agent). Startup of the
// same probe with an empty `--import` (Node's ES-module loader) and with one registering a pass-through
// `module.register` hook (the module-customization thread); and readFileSync followed by one SDK span.
const FLOOR_STARTUP = [
  ['esmLoader', '`--import` of an empty ES module (Node\'s ES-module loader started before the app)', join(here, 'floor', 'esm-loader.mjs')],
  ['hookThread', "`--import` of a module registering a pass-through `module.register` hook (Node's module-customization thread)", join(here, 'floor', 'hook-thread.mjs')],
];
const floorStartup = Object.fromEntries(FLOOR_STARTUP.map(([k]) => [k, []])); // per round: samples
const floorSpan = []; // per round: { op, span, span7 } ns/op
const runs = Object.fromEntries(modes.map((m) => [m, []])); // app results, indexed by round (a failed process leaves a hole)
const startup = Object.fromEntries(modes.map((m) => [m, []])); // spawn-to-first-line ms, per round: an array of samples
const startupCpu = Object.fromEntries(modes.map((m) => [m, []])); // the child's CPU time (all threads) at its first line
const failures = [];
let spansSink = { requests: 0, bytes: 0 };

log(`overhead: ${modes.join(', ')}; ${ROUNDS} round(s), ${STARTUP_SAMPLES} startup sample(s) per mode and round, scale ${SCALE}, load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Round-robin over the modes so drift in machine load hits each alike; rotate the start each round.
    const order = modes.map((_, i) => modes[(i + r) % modes.length]);
    for (let s = 0; s < STARTUP_SAMPLES; s++) {
      for (const m of order) {
        const res = await runChild([...specs[m].argv, join(here, 'startup.cjs')], childEnv(m), { done: (o) => o.includes('\n'), timeoutMs: 30_000, graceMs: 5_000 });
        const line = res.out.split('\n')[0];
        if (!line.startsWith('ready ') || res.firstLineNs === undefined) {
          failures.push(`${m} startup: ${res.code ?? res.signal} ${res.err.slice(-500)}`);
          continue;
        }
        (startup[m][r] ??= []).push(res.firstLineNs / 1e6);
        (startupCpu[m][r] ??= []).push(Number(line.split(' ')[2]));
      }
      for (const [k, , file] of FLOOR_STARTUP) {
        const res = await runChild(['--import', file, join(here, 'startup.cjs')], childEnv('plain'), { done: (o) => o.includes('\n'), timeoutMs: 30_000, graceMs: 5_000 });
        if (res.out.startsWith('ready ') && res.firstLineNs !== undefined) (floorStartup[k][r] ??= []).push(res.firstLineNs / 1e6);
        else failures.push(`floor ${k} startup: ${res.code ?? res.signal} ${res.err.slice(-500)}`);
      }
    }
    for (const m of order) {
      const before = sink.stats.requests;
      const beforeBytes = sink.stats.bytes;
      const res = await runChild([...specs[m].argv, join(here, 'app.cjs')], childEnv(m), {
        done: (o) => o.includes('BENCH_JSON ') && o.endsWith('\n'),
        timeoutMs: 180_000,
        graceMs: 10_000,
      });
      const line = res.out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (!line) {
        failures.push(`${m} round ${r + 1}: exit ${res.code ?? res.signal}\n${res.err.slice(-1500)}`);
        log(`[round ${r + 1}] ${m} FAILED`);
        continue;
      }
      const j = JSON.parse(line.slice('BENCH_JSON '.length));
      j.stderr = res.err.trim().split('\n').filter(Boolean).slice(0, 3).join(' | ').slice(0, 300);
      if (m === 'spans') spansSink = { requests: spansSink.requests + sink.stats.requests - before, bytes: spansSink.bytes + sink.stats.bytes - beforeBytes };
      runs[m][r] = j;
      llm.reset();
      log(`[round ${r + 1}] ${m}: exit ${res.exitMs} ms after its report, startup ${median(startup[m][r] ?? []).toFixed(1)} ms, maxRSS ${j.maxRssMB} MB, ${OPS.map(([k]) => `${k} ${Math.round(j.ns[k] ?? NaN)}`).join(', ')}`);
    }
    if (modes.includes('spans') && (typeof args.ops !== 'string' || args.ops.split(',').includes('readFileSync'))) {
      const res = await runChild([join(here, 'floor', 'span.cjs')], { ...childEnv('plain'), OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }, {
        done: (o) => o.includes('FLOOR_JSON ') && o.endsWith('\n'),
        timeoutMs: 120_000,
        graceMs: 10_000,
      });
      const line = res.out.split('\n').find((l) => l.startsWith('FLOOR_JSON '));
      if (line) floorSpan[r] = JSON.parse(line.slice('FLOOR_JSON '.length)).ns;
      else failures.push(`floor span round ${r + 1}: exit ${res.code ?? res.signal}\n${res.err.slice(-1500)}`);
    }
  }
} finally {
  await llm.close();
  await sink.close();
}
const loadEnd = loadavg();
const seconds = (Date.now() - started) / 1000;

// ---- aggregate: medians across rounds, ratios to plain from this run ----
// Rows: [key, label, kind]; each has a wall-clock figure and (except RSS) a CPU-time figure.
const rows = [
  ['startup', 'startup, spawn to first line (ms)', 'startup'],
  ...OPS.map(([k, label]) => [k, label, 'op']),
  ['maxRss', 'peak RSS at the end (MB)', 'rss'],
];
const rounds = [...Array(ROUNDS).keys()];
/** One value per round and mode (startup: the median of that round's samples). */
function value(metric, k, m, r) {
  if (k === 'startup') return median((metric === 'cpu' ? startupCpu : startup)[m][r] ?? []);
  const j = runs[m][r];
  if (!j) return NaN;
  if (k === 'maxRss') return metric === 'cpu' ? NaN : j.maxRssMB;
  return (metric === 'cpu' ? j.cpuNs : j.ns)[k] ?? NaN;
}
const med = (metric, k, m) => (k === 'startup' ? median((metric === 'cpu' ? startupCpu : startup)[m].flat()) : median(rounds.map((r) => value(metric, k, m, r))));
// Ratios are paired: a mode's figure over plain Node's within each round (processes at most a
// minute or two apart, so drift in machine load mostly cancels), then the median across rounds.
const paired = (metric, k, m, base = 'plain') => rounds.map((r) => value(metric, k, m, r) / value(metric, k, base, r)).filter(Number.isFinite);
const ratio = (metric, k, m, base = 'plain') => median(paired(metric, k, m, base));
const fmt = (x) => (!Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const fx = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');
const rangeOf = (xs) => (xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : '');
const short = (label) => label.replace(/ \((ns\/op|ms|MB)\)$/, '');

function tableOf(metric, rowList, labelOf) {
  const header = ['metric', ...modes.map((m) => MODE_LABEL[m])];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rowList.filter(([k]) => modes.some((m) => Number.isFinite(med(metric, k, m)))).map(([k, label]) => `| ${labelOf(label)} | ${modes.map((m) => (m === 'plain' ? fmt(med(metric, k, m)) : `${fmt(med(metric, k, m))} (${fx(ratio(metric, k, m))})`)).join(' | ')} |`),
  ];
}
const table = tableOf('wall', rows, (l) => l);
const cpuTable = tableOf(
  'cpu',
  rows.filter(([, , kind]) => kind !== 'rss'),
  (l) => (l.startsWith('startup') ? 'startup, CPU time to first line (ms, all threads)' : l.replace('(ns/op)', '(CPU ns/op)')),
);

// ---- targets ----
const has = (m) => modes.includes(m) && runs[m].some(Boolean);
const verdict = (x, limit) => (!Number.isFinite(x) ? 'n/a' : x <= limit ? 'met' : `**missed** (${x.toFixed(2)}x against ${limit}x: +${((x / limit - 1) * 100).toFixed(0)}%)`);
const targets = [];
function target(k, label, m, limit) {
  if (!has(m)) return;
  const w = ratio('wall', k, m);
  const c = k === 'maxRss' ? NaN : ratio('cpu', k, m);
  targets.push([short(label), `${MODE_LABEL[m]} ≤ ${limit}x`, `${fx(w)} (${rangeOf(paired('wall', k, m))})`, Number.isFinite(c) ? `${fx(c)} (${rangeOf(paired('cpu', k, m))})` : '–', verdict(w, limit)]);
}
for (const [k, label, kind] of rows) {
  if (!Number.isFinite(med('wall', k, 'plain'))) continue;
  if (kind === 'op') {
    target(k, label, 'enforce', 1.05);
    target(k, label, 'spans', 1.25);
  } else if (kind === 'startup') {
    for (const m of ['monitor', 'enforce', 'spans']) target(k, label, m, 1.3);
  } else {
    for (const m of ['monitor', 'enforce', 'spans']) target(k, label, m, 1.2);
  }
}
const peerRows = [];
if (has('enforce') && (has('zen') || has('ddtrace'))) {
  for (const [k, label] of rows) {
    if (!Number.isFinite(med('wall', k, 'enforce'))) continue;
    const peers = ['zen', 'ddtrace'].filter(has);
    // enforce / peer within each round, median across rounds: below 1 is ahead.
    const vs = peers.map((m) => [m, ratio('wall', k, 'enforce', m)]);
    const behind = vs.filter(([, x]) => !(x < 1)).map(([m]) => MODE_LABEL[m]);
    peerRows.push([short(label), fmt(med('wall', k, 'enforce')), vs.map(([m, x]) => `${MODE_LABEL[m]} ${fmt(med('wall', k, m))}: ${fx(x)}`).join('; '), behind.length ? `**missed** (behind ${behind.join(', ')})` : 'met']);
  }
}

// ---- floors ----
const floorRows = [];
for (const [k, label] of FLOOR_STARTUP) {
  const per = rounds.map((r) => median(floorStartup[k][r] ?? []) / median(startup.plain[r] ?? [])).filter(Number.isFinite);
  if (per.length) floorRows.push([`startup: ${label}`, `${fmt(median(floorStartup[k].flat()))} ms`, `${fx(median(per))} of plain startup`]);
}
const spanRounds = floorSpan.filter(Boolean);
for (const [k, label] of [
  ['span', 'fs.readFileSync followed by one SDK span (name and two attributes)'],
  ['span7', 'fs.readFileSync followed by one SDK span with the seven attributes Palisade puts on an allowed operation'],
]) {
  if (spanRounds.length) floorRows.push([label, `${fmt(median(spanRounds.map((x) => x[k])))} ns/op`, `${fx(median(spanRounds.map((x) => x[k] / x.op)))} of readFileSync alone (${fmt(median(spanRounds.map((x) => x.op)))} ns/op) in the same process`]);
}

// ---- report ----
const cpuModel = cpus()[0]?.model.trim() ?? 'unknown';
const machine = `${cpuModel}, ${cpus().length} cores, Node ${process.version}; load average (1/5/15 min) ${loadStart.map((x) => x.toFixed(2)).join(' / ')} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(' / ')} at the end`;
const command = quick ? 'node benchmarks/overhead/run.mjs --quick' : `npm run bench:overhead${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const ok = modes.map((m) => `${MODE_LABEL[m]} ${runs[m].filter(Boolean).length}/${ROUNDS}`).join(', ');
// Results files carry no machine paths.
const clean = (text) => text.split(data).join('<data>').split(tmpdir()).join('<tmp>').split(root).join('.');
const active = modes
  .filter((m) => runs[m].some(Boolean))
  .map((m) => {
    const j = runs[m].find(Boolean);
    const a = j.active;
    const what = m.startsWith('plain') ? 'no agent' : a.palisade ? `Palisade ${a.palisade.replace(/\(.*\/([^/]+)\)$/, '($1)')}` : m === 'zen' ? `Zen loaded: ${a.zen}` : `dd-trace appsec ${a.ddAppsec}, rasp ${a.ddRasp}`;
    return clean(`| ${MODE_LABEL[m]} | ${specs[m].argv.join(' ') || '–'} | ${what} | \`${j.traversalProbe}\` | ${j.stderr.replace(/\|/g, '/').replace(/[─│┌┐└┘]+/g, ' ').replace(/\s+/g, ' ').slice(0, 200) || '–'} |`);
  });

const notesFile = join(here, 'notes.md');
let notes = '';
try {
  notes = readFileSync(notesFile, 'utf8').trim();
} catch {}

const lines = [
  '# Overhead against plain Node and peer agents',
  '',
  `Written by \`benchmarks/overhead/run.mjs\` (\`${command}\`). Last run: ${new Date().toISOString().slice(0, 16)}Z, ${seconds.toFixed(0)} s.`,
  '',
  `Machine: ${machine}.`,
  `Rounds: ${ROUNDS} (processes that succeeded: ${ok}); ${STARTUP_SAMPLES} startup samples per mode and round; each operation timed in ${BATCHES} batches per process after a warm-up (iteration scale ${SCALE}).`,
  '',
  'Wall-clock time. Every figure is the median across rounds. The ratio in brackets is paired: within each round, the mode\'s figure',
  'over plain Node\'s, then the median of those per-round ratios (so it need not equal the quotient of the two',
  'medians shown). Each round starts every mode in a fresh process, round-robin (the starting mode rotates),',
  'so drift in machine load hits every mode alike. Within a process each operation is warmed up, then timed with',
  '`process.hrtime.bigint()` in bounded batches; the process reports the median batch. Startup is the time from',
  '`spawn()` to the first line of a tiny CommonJS app (three builtins, one line of output), the same app in every',
  'mode. Peak RSS is `process.resourceUsage().maxRSS` at the end of the operations run (which loads the `openai`',
  'SDK in every mode). The machine is shared: compare only figures from one run.',
  '',
  table.join('\n'),
  '',
  'Modes:',
  '',
  '- **plain**: `node app.cjs`.',
  '- **monitor**: `--import palisade/register`, no policy file, so the recommended preset in monitor mode',
  '  (its deny lists, detectors on LLM traffic, audit log, which `PALISADE_AUDIT` moves to a temporary directory;',
  '  spans for decisions only).',
  '- **enforce**: `--import palisade/register` with a policy that allows exactly what the app does',
  `  (\`fs.read\` of its data directory, \`process.spawn\` of \`true\`, \`net.connect\`/\`net.listen\` on 127.0.0.1, \`llm.model\` \`${MODEL}\`;`,
  '  `fs.write`, `code.eval`, `code.worker`, `code.native` and `tool.call` denied), a few denies, an audit log; default',
  '  telemetry (spans for decisions only).',
  '- **enforce+spans**: the same policy with `telemetry.spans: "all"`: a span for every operation, through',
  '  `palisade/register`\'s BatchSpanProcessor (each full batch handed to the exporter at once, so every span is encoded and',
  '  sent, none dropped, and let go once encoded) and OTLP/HTTP (protobuf) exporter to a loopback sink that answers 200' +
    (has('spans') ? ` (it received ${spansSink.requests} export requests, ${(spansSink.bytes / 1048576).toFixed(1)} MB, over ${runs.spans.filter(Boolean).length} processes).` : '.'),
  '- **Zen**: Aikido Zen 1.8.36, `--require @aikidosec/firewall`, `AIKIDO_BLOCK=true`, no token.',
  '- **dd-trace**: dd-trace 5.132.0, `--require dd-trace/init`, `DD_APPSEC_ENABLED=true DD_APPSEC_RASP_ENABLED=true`, no agent',
  '  (`DD_TRACE_AGENT_URL` is a closed loopback port).',
  '',
  `The app is CommonJS (\`benchmarks/overhead/app.cjs\`) so that Zen protects it on Node 20. The \`openai\` SDK is the real`,
  'one (CommonJS build) against the loopback mock LLM server (`test/fixtures/mock-llm`), non-streaming, reply `OK`.',
  '',
  'CPU time of the app process (user + system, all threads, from `process.cpuUsage()` around the same batches;',
  'for startup, at the first line): it does not grow while other processes hold the cores, so on a shared machine',
  'it is the steadier figure. It leaves out time spent in other processes (the spawned `true`, the mock LLM server).',
  '',
  cpuTable.join('\n'),
  '',
  '## Targets',
  '',
  'Status is judged on the wall-clock ratio; the CPU-time ratio is shown beside it. In brackets: the lowest and',
  'highest per-round ratio, a measure of the noise.',
  '',
  '| row | target | wall-clock ratio | CPU-time ratio | status |',
  '|---|---|---:|---:|---|',
  ...targets.map((t) => `| ${t.join(' | ')} |`),
  '',
  ...(floorRows.length
    ? [
        'Floors: what any design pays on this machine, measured in the same rounds with no agent loaded (`benchmarks/overhead/floor/`).',
        'The spans floor uses the OpenTelemetry SDK packages `palisade/register` uses, set up as it sets them up (BatchSpanProcessor',
        'with each full batch handed to the exporter at once and its spans let go once handed over, OTLP/HTTP protobuf exporter to the',
        'same sink), in batches of the same size.',
        '',
        '| floor | median | ratio |',
        '|---|---:|---|',
        ...floorRows.map((t) => `| ${t.join(' | ')} |`),
        '',
      ]
    : []),
  ...(peerRows.length
    ? ['Ahead of both peers (enforce, default telemetry): enforce over the peer, paired per round like the ratios above; below 1.00x is ahead.', '', '| row | enforce | peers | status |', '|---|---:|---|---|', ...peerRows.map((t) => `| ${t.join(' | ')} |`), '']
    : []),
  '',
  '## Agents seen active, and a path-traversal probe',
  '',
  '`GET /file?name=../../../../../../etc/passwd` against the app\'s handler (not timed):',
  '',
  '| mode | preload | active | probe answer | stderr (first lines) |',
  '|---|---|---|---|---|',
  ...active,
  '',
  ...(failures.length ? ['## Failures', '', '```', ...failures, '```', ''] : []),
  ...(notes ? [notes, ''] : []),
];
const report = lines.join('\n');
process.stdout.write(`\n${machine}\nRounds: ${ROUNDS} (${ok})\n\n${table.join('\n')}\n\n${cpuTable.join('\n')}\n\n${targets.map((t) => `${t[0]} — ${t[1]}: wall ${t[2]}, CPU ${t[3]}: ${t[4]}`).join('\n')}\n\n${floorRows.map((t) => `floor: ${t.join(': ')}`).join('\n')}\n\n${peerRows.map((t) => `${t[0]}: ${t[2]}: ${t[3]}`).join('\n')}\n`);
if (failures.length) log(`\nfailures:\n${failures.join('\n')}`);
if (outFile) {
  writeFileSync(outFile, report);
  log(`\nwrote ${relative(process.cwd(), outFile) || outFile} (${seconds.toFixed(0)} s)`);
}
if (updateReadme) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- overhead:start -->';
  const end = '<!-- overhead:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    const block = `${start}\n${table.join('\n')}\n\n${machine}; medians of ${ROUNDS} rounds, from [benchmarks/results/overhead.md](benchmarks/results/overhead.md).\n${end}`;
    writeFileSync(readme, text.slice(0, a) + block + text.slice(b + end.length));
    log('updated the README performance table');
  }
}
rmSync(data, { recursive: true, force: true });
