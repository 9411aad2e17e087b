/**
 * The modes the overhead benchmark compares, and the environment each runs in.
 * Shared by run.mjs (the benchmark) and profile.mjs (CPU profiles of one mode).
 */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const MODEL = 'bench-model';

export const MODE_ORDER = ['plain', 'monitor', 'enforce', 'spans', 'zen', 'ddtrace'];
export const MODE_LABEL = {
  plain: 'plain',
  monitor: 'monitor',
  enforce: 'enforce',
  spans: 'enforce+spans',
  zen: 'Zen',
  ddtrace: 'dd-trace',
};

/** The policy of the enforce mode: exactly what the benchmark app does, nothing more. */
export function enforcePolicy(data, audit) {
  return {
    version: 1,
    mode: 'enforce',
    allow: {
      'fs.read': [`${data}/**`],
      'fs.write': false,
      'process.spawn': ['true'],
      'net.connect': ['127.0.0.1:*'],
      'net.listen': ['127.0.0.1:*'],
      'code.eval': false,
      'code.worker': false,
      'code.native': false,
      'llm.model': [MODEL],
      'tool.call': false,
    },
    deny: {
      'fs.read': ['**/.env', '**/.env.*', '${home}/.ssh/**'],
      'net.connect': ['@metadata'],
    },
    audit: { path: audit },
  };
}

/** A directory with the file the app reads and the policies; real path, so the policy names what the guard sees. */
export function makeDataDir() {
  const data = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-bench-overhead-')));
  writeFileSync(join(data, 'small.txt'), 'hello rasp\n'.repeat(8)); // 88 bytes
  writeFileSync(join(data, 'enforce.policy.json'), JSON.stringify(enforcePolicy(data, join(data, 'enforce-audit.jsonl')), null, 2));
  const spans = { ...enforcePolicy(data, join(data, 'spans-audit.jsonl')), telemetry: { spans: 'all' } };
  writeFileSync(join(data, 'spans.policy.json'), JSON.stringify(spans, null, 2));
  return data;
}

/** A loopback OTLP/HTTP sink: answers every export with 200 and counts what it got. */
export async function startOtlpSink() {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (c) => (stats.bytes += c.length));
    req.on('end', () => {
      stats.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, stats, close: () => new Promise((r) => server.close(r)) };
}

/** A loopback port nothing listens on (dd-trace's agent URL: there is no agent). */
export function deadLoopbackPort() {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The environment every child starts from: none of the agents' or Palisade's variables. */
export function baseEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(AIKIDO_|DD_|PALISADE_|OTEL_)/.test(k) || k === 'NODE_OPTIONS') delete env[k];
  return env;
}

/**
 * argv and env per mode. Palisade loads with `--import palisade/register` (or
 * `--require` with preload: 'require'); the peers as peer-bench loads them.
 */
export function modeSpecs({ data, sinkUrl, deadPort, preload = 'import' }) {
  const register = [`--${preload}`, 'palisade/register'];
  return {
    plain: { argv: [], env: {} },
    // No policy file: the recommended preset, in monitor mode (its audit log moved out of the source tree).
    monitor: { argv: register, env: { PALISADE_AUDIT: join(data, 'monitor-audit.jsonl') } },
    enforce: { argv: register, env: { PALISADE_POLICY: join(data, 'enforce.policy.json') } },
    spans: {
      argv: register,
      env: { PALISADE_POLICY: join(data, 'spans.policy.json'), OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_SERVICE_NAME: 'palisade-bench' },
    },
    zen: { argv: ['--require', '@aikidosec/firewall'], env: { AIKIDO_BLOCK: 'true' } },
    ddtrace: {
      argv: ['--require', 'dd-trace/init'],
      env: { DD_APPSEC_ENABLED: 'true', DD_APPSEC_RASP_ENABLED: 'true', DD_TRACE_AGENT_URL: `http://127.0.0.1:${deadPort}` },
    },
  };
}
