#!/usr/bin/env node
/**
 * CPU profiles of one mode, to see where the overhead measured by run.mjs goes.
 *
 *   node benchmarks/overhead/profile.mjs --mode=enforce --op=readFileSync [--scale=5]
 *   node benchmarks/overhead/profile.mjs --mode=enforce --startup     # startup: profile of every thread, modules loaded
 *   node benchmarks/overhead/profile.mjs --mode=enforce --micro [--ops=readFileSync,execFileSync] [--pairs=N]
 *                                         # the wrappers' own cost: in-process A/B against the originals (micro.cjs)
 *   options: --top=N (rows), --keep (keep the .cpuprofile files and print where), --preload=require
 *
 * Runs benchmarks/overhead/app.cjs (only the named operation) or startup.cjs
 * under `node --cpu-prof`, then prints self time by package and the hottest
 * functions. For --startup it also counts the module files each thread opened
 * (from `strace`, when installed) by package.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { startMockLlm } from '../../test/fixtures/mock-llm/index.mjs';
import { MODEL, baseEnv, deadLoopbackPort, here, makeDataDir, modeSpecs, startOtlpSink } from './modes.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const mode = args.mode ?? 'enforce';
const top = Number(args.top ?? 25);
const startup = !!args.startup;
const root = resolve(here, '..', '..');

/** Which package a script URL belongs to. */
export function bucket(url) {
  if (!url) return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const p = url.replace(/^file:\/\//, '');
  const pal = p.match(/\/packages\/([^/]+)\/(dist|src)\/(.*)$/);
  if (pal) return `palisade:${pal[1]}/${pal[3].replace(/\.js$/, '').split('/').slice(0, 2).join('/')}`;
  const nm = p.lastIndexOf(`${sep}node_modules${sep}`);
  if (nm >= 0) {
    const rest = p.slice(nm + 14).split(sep);
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return p.startsWith(root) ? p.slice(root.length + 1) : p;
}

/** Self time per node of a .cpuprofile, summed by package and by function. */
export function summarize(profile, window) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dts = profile.timeDeltas;
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += dts[i] ?? 0;
    if (window && (t < window[0] || t > window[1])) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dts[i] ?? 0));
    total += dts[i] ?? 0;
  }
  const byBucket = new Map();
  const byFn = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const special = cf.functionName === '(idle)' || cf.functionName === '(program)' || cf.functionName === '(garbage collector)';
    const b = special ? cf.functionName : bucket(cf.url);
    byBucket.set(b, (byBucket.get(b) ?? 0) + us);
    const fn = `${cf.functionName || '(anonymous)'} ${special ? '' : `${bucket(cf.url)}:${cf.lineNumber + 1}`}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  // Inclusive ("total") time of Palisade's own functions: each sample counts once for every
  // distinct Palisade function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      const b = bucket(cf.url);
      if (!b.startsWith('palisade:')) continue;
      const fn = `${cf.functionName || '(anonymous)'} ${b}:${cf.lineNumber + 1}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      incl.set(fn, (incl.get(fn) ?? 0) + us);
    }
  }
  const sort = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byBucket: sort(byBucket), byFn: sort(byFn), palisadeTotal: sort(incl) };
}

function print(title, s) {
  const pct = (us) => `${((us / s.total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms`;
  console.log(`\n## ${title}: ${(s.total / 1000).toFixed(0)} ms sampled\n\nself time by package:`);
  for (const [b, us] of s.byBucket.slice(0, top)) console.log(`  ${pct(us)}  ${b}`);
  console.log('hottest functions (self):');
  for (const [f, us] of s.byFn.slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
  if (s.palisadeTotal.length) {
    console.log("Palisade's functions, inclusive time (their callees counted):");
    for (const [f, us] of s.palisadeTotal.slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
  }
}

const data = makeDataDir();
const llm = await startMockLlm({ defaultReply: { text: 'OK' } });
const sink = await startOtlpSink();
const profDir = mkdtempSync(join(tmpdir(), 'palisade-bench-prof-'));
try {
  const specs = modeSpecs({ data, sinkUrl: sink.url, deadPort: await deadLoopbackPort(), preload: args.preload === 'require' ? 'require' : 'import' });
  const spec = specs[mode];
  if (!spec) throw new Error(`unknown mode ${mode}`);
  if (args.micro) {
    await micro(spec);
    process.exitCode = 0;
  } else await profileRun(spec);
} finally {
  await llm.close();
  await sink.close();
  rmSync(data, { recursive: true, force: true });
  if (!args.keep) rmSync(profDir, { recursive: true, force: true });
}

/**
 * micro.cjs in the mode's process: each operation timed in batches alternating between the wrapper and
 * Node's original. Reliable for the synchronous operations; for the asynchronous ones differences of
 * tens of µs come and go between runs (GC and scheduling), so repeat before reading anything into them.
 */
async function micro(spec) {
  const env = { ...baseEnv(), ...spec.env, BENCH_DATA: data, BENCH_PAIRS: String(args.pairs ?? 12), ...(args.ops ? { BENCH_OPS: String(args.ops) } : {}) };
  const { spawn } = await import('node:child_process');
  const out = await new Promise((r) => {
    const c = spawn(process.execPath, [...spec.argv, join(here, 'micro.cjs')], { cwd: here, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let o = '';
    c.stdout.on('data', (d) => (o += d));
    c.on('close', () => r(o));
  });
  const line = out.split('\n').find((l) => l.startsWith('MICRO_JSON '));
  if (!line) throw new Error('micro.cjs failed');
  console.log(`# ${mode}: the wrappers' own cost (median over pairs of batches; ns per call)\n`);
  console.log('| operation | original | wrapper adds (wall) | wrapper adds (CPU) |\n|---|---:|---:|---:|');
  for (const r of JSON.parse(line.slice('MICRO_JSON '.length))) {
    const pc = (d, o) => `${Math.round(d)} (${((d / o) * 100).toFixed(1)}%)`;
    console.log(`| ${r.name} | ${Math.round(r.wall.off)} | ${pc(r.wall.diff, r.wall.off)} | ${pc(r.cpu.diff, r.cpu.off)} |`);
  }
}

async function profileRun(spec) {
  const env = { ...baseEnv(), ...spec.env, BENCH_DATA: data, BENCH_MOCK_LLM: llm.url, BENCH_MODEL: MODEL, BENCH_SCALE: String(args.scale ?? 5), BENCH_BATCHES: '1' };
  if (!startup) env.BENCH_OPS = String(args.op ?? 'readFileSync');
  const script = join(here, startup ? 'startup.cjs' : 'app.cjs');
  const prof = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-interval=${startup ? 100 : 200}`];
  // The child runs synchronously here, so the mock LLM server would starve: run it through a shell-free async spawn instead.
  const { spawn } = await import('node:child_process');
  const run = (argv) =>
    new Promise((r) => {
      const c = spawn(process.execPath, argv, { cwd: here, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('close', (code) => r({ code, out }));
    });
  // Start-up as the benchmark sees it: after one run has filled the caches a first start fills (policy validation).
  if (startup) await run([...spec.argv, script]);
  const res = await run([...prof, ...spec.argv, script]);
  if (res.code !== 0) throw new Error(`child exited ${res.code}`);
  const line = res.out.split('\n').find((l) => l.startsWith('BENCH_JSON ') || l.startsWith('ready '));
  const op = args.op ?? 'readFileSync';
  let window;
  if (!startup) {
    const j = JSON.parse(line.slice('BENCH_JSON '.length));
    window = j.windowUs[op];
    console.log(`# ${mode}, ${op}: ${Math.round(j.ns[op])} ns/op with the profiler on (one batch, ${env.BENCH_SCALE}x a run's batch size); samples from this operation's time window only`);
  } else console.log(`# ${mode}, startup: ${line}`);
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(profDir, f), 'utf8'));
    const s = summarize(p, window);
    if (s.total === 0) continue; // a thread with nothing in the window (the module-loader thread)
    print(`thread ${f.split('.').slice(-3, -2)[0] ?? f}`, s);
  }
  if (startup) {
    const st = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', join(profDir, 'strace.txt'), process.execPath, ...spec.argv, script], { cwd: here, env, encoding: 'utf8' });
    if (st.error) console.log('\n(strace not installed: no module counts)');
    else {
      // Opens of .js/.mjs/.cjs/.json files (module sources, package.json files, the policy), any thread.
      const opened = new Map();
      for (const l of readFileSync(join(profDir, 'strace.txt'), 'utf8').split('\n')) {
        const m = l.match(/openat\([^"]*"([^"]+\.(?:[cm]?js|json))"/);
        if (m && !l.includes('ENOENT')) opened.set(m[1], (opened.get(m[1]) ?? 0) + 1);
      }
      const byPkg = new Map();
      for (const [f, n] of opened) {
        const b = bucket(f).replace(/^palisade:([^/]+)\/.*$/, '@palisade/$1 (own files)');
        const e = byPkg.get(b) ?? { files: 0, opens: 0 };
        e.files++;
        e.opens += n;
        byPkg.set(b, e);
      }
      const total = [...opened.values()].reduce((a, b) => a + b, 0);
      console.log(`\n## files opened at startup (strace): ${opened.size} distinct, ${total} opens (a file opened twice was loaded by two threads)`);
      for (const [b, e] of [...byPkg].sort((a, b) => b[1].opens - a[1].opens).slice(0, top)) console.log(`  ${String(e.files).padStart(4)} files ${String(e.opens).padStart(4)} opens  ${b}`);
    }
  }
  if (args.keep) console.log(`\nprofiles kept in ${profDir}`);
}
