#!/usr/bin/env node
/**
 * Time-to-first-token benchmark for the LLM output guard: the same streamed
 * completions, through the real openai and @anthropic-ai/sdk packages against
 * the mock server, without Palisade and with `--import palisade/register`
 * (spans only; then every output detector on, with its hold-back buffer).
 * Writes benchmarks/results/llm.md.
 *
 *   node benchmarks/llm/run.mjs [--n 100]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockLlm } from '../../test/fixtures/mock-llm/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const sdks = createRequire(join(root, 'test', 'package.json'));
const argN = process.argv.indexOf('--n');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 100;
const TARGET_MS = 2;

// Natural prose in 4-character chunks, the first ones 10 ms apart: a first token held
// back until the next chunk would show up as ~10 ms of added time to first token.
const TEXT =
  'The river bends twice before it reaches the town. In spring the water rises over the lower fields, ' +
  'and the ferry stops for a week or two. Most people wait; a few walk the long way round by the bridge. ' +
  'Fishing is best in the early morning, when the mist still sits on the water.';
const REPLY = { text: TEXT, chunkSize: 4, delayMs: 10, delayChunks: 3, firstChunkDelayMs: 5 };

const POLICIES = {
  spans: { version: 1, mode: 'enforce', allow: { 'llm.model': ['gpt-4o*', 'claude-*'] }, audit: false },
  guards: {
    version: 1,
    mode: 'enforce',
    allow: { 'llm.model': ['gpt-4o*', 'claude-*'], 'tool.call': ['search'] },
    detect: { 'prompt-injection': 'block', secrets: 'redact', pii: 'redact', canary: 'block', 'exfil-url': 'redact' },
    audit: false,
  },
};

function runChild(kind, config, mockUrl, dir) {
  const env = { ...process.env, BENCH_SDK: kind, BENCH_SDK_PATH: sdks.resolve(kind === 'openai' ? 'openai' : '@anthropic-ai/sdk'), MOCK_LLM_URL: mockUrl, BENCH_N: String(N) };
  delete env.NODE_OPTIONS;
  delete env.PALISADE_MODE;
  const args = [];
  if (config !== 'baseline') {
    const file = join(dir, `${config}.json`);
    writeFileSync(file, JSON.stringify(POLICIES[config]));
    env.PALISADE_POLICY = file;
    args.push('--import', 'palisade/register');
  }
  args.push(join(here, 'app.cjs'));
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { cwd: join(root, 'benchmarks'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${kind} ${config} exited ${code}: ${err}`));
      resolveRun(JSON.parse(out.trim().split('\n').at(-1)).runs);
    });
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(2)} ms`;

const llm = await startMockLlm({ defaultReply: REPLY });
const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-llm-'));
const started = Date.now();
const rows = [];
try {
  for (const kind of ['openai', 'anthropic']) {
    const results = {};
    // Interleave configurations so drift in machine load hits each alike.
    for (const round of [0, 1]) {
      for (const config of ['baseline', 'spans', 'guards']) {
        const runs = await runChild(kind, config, llm.url, dir);
        (results[config] ??= []).push(...runs);
        process.stderr.write(`${kind} ${config} round ${round}: median TTFT ${ms(pct(runs.map((r) => r.ttft), 50))}\n`);
      }
    }
    const base = results.baseline;
    for (const config of ['baseline', 'spans', 'guards']) {
      const r = results[config];
      const ttft = r.map((x) => x.ttft);
      const total = r.map((x) => x.total);
      rows.push({
        kind,
        config,
        n: r.length,
        p50: pct(ttft, 50),
        p95: pct(ttft, 95),
        added: pct(ttft, 50) - pct(base.map((x) => x.ttft), 50),
        addedP95: pct(ttft, 95) - pct(base.map((x) => x.ttft), 95),
        total: pct(total, 50),
        addedTotal: pct(total, 50) - pct(base.map((x) => x.total), 50),
        chars: r[0].chars,
      });
    }
  }
} finally {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
}

const label = { baseline: 'no Palisade', spans: 'palisade/register, model check, default telemetry', guards: 'palisade/register, all output detectors (hold-back buffer)' };
const guardRows = rows.filter((r) => r.config === 'guards');
const worst = Math.max(...guardRows.map((r) => r.added));
const lines = [
  '# LLM output guard: time to first token',
  '',
  `Written by \`benchmarks/llm/run.mjs\` (\`node benchmarks/llm/run.mjs --n ${N}\`). Last run: ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${loadavg()[0].toFixed(2)} at the end, ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  '',
  'Each configuration is a fresh `node` process streaming the same chat completion',
  `${N * 2} times (two interleaved rounds of ${N}, after 10 warm-up requests each) through the real SDK against the`,
  'loopback mock server: a 290-character paragraph in 4-character chunks, the first after 5 ms, the next three',
  '10 ms apart, the rest without pause (so "whole stream" is mostly the per-chunk cost).',
  'Time to first token is from the `create()` call to the first non-empty text delta the app receives.',
  'A guard that held back the first word until the next chunk would add about 10 ms.',
  '',
  `## Target: added time to first token ≤ ${TARGET_MS} ms (median)`,
  '',
  `| | measured | status |`,
  `|---|---|---|`,
  `| added median TTFT, all output detectors, worst SDK | ${ms(worst)} | ${worst <= TARGET_MS ? 'met' : '**missed**'} |`,
  '',
  '## Results',
  '',
  '| SDK | configuration | n | TTFT p50 | TTFT p95 | added p50 | added p95 | whole stream p50 | added |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.kind} | ${label[r.config]} | ${r.n} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.config === 'baseline' ? '–' : ms(r.added)} | ${r.config === 'baseline' ? '–' : ms(r.addedP95)} | ${ms(r.total)} | ${r.config === 'baseline' ? '–' : ms(r.addedTotal)} |`),
  '',
  'Policies: "model check" allows the two models with default telemetry (no SDK or exporter is configured, so no span',
  'is made and the OpenTelemetry API is not loaded); "all output detectors" adds `detect` with prompt-injection block, secrets/pii/exfil-url',
  'redact and canary block, and a `tool.call` allow list. The hold-back buffer releases a plain word of up to 7',
  'letters at once, so the first word of ordinary prose is not delayed; see docs/llm.md for the hold-back window.',
  '',
];
writeFileSync(join(root, 'benchmarks', 'results', 'llm.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
