/**
 * Shared set-up for the network bypass tests. The targets are loopback
 * servers in the test process that count what reaches them, so each test
 * checks the effect (no connection, no request, no datagram, no DNS query),
 * not only the error. Scripts report one JSON line per attempt:
 * `{ how, code }`, where code is the error code or CONNECTED / OK.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { Test } from 'tap';
import { type ProtectedRun, type RunOptions, cleanup, runProtected } from './protected.js';

/** Denies the second loopback address; everything else is allowed, so control runs and the harness work. */
export const NET_POLICY = {
  version: 1,
  mode: 'enforce',
  deny: { 'net.connect': ['127.0.0.2'] },
  audit: { path: '${cwd}/palisade-audit.jsonl' },
};

/** Helpers every script starts with (ESM or CJS). */
export const PRELUDE = `
const PORT = Number(process.env.TARGET_PORT);
const report = (how, code) => console.log(JSON.stringify({ how, code }));
const settle = (how, emitter) => new Promise((resolve) => {
  emitter.on('error', (e) => { report(how, e.code); resolve(); });
  emitter.on('connect', () => { report(how, 'CONNECTED'); emitter.destroy(); resolve(); });
});
const attempt = async (how, fn) => { try { await fn(); report(how, 'OK'); } catch (e) { report(how, (e && e.cause && e.cause.code) || (e && e.code) || String(e)); } };
`;

export interface Counter {
  port: number;
  connections: number;
  requests: string[];
}

/** A TCP server counting connections (and, when `http`, request paths; `/to?u=` redirects to u). */
export async function target(t: Test, host = '127.0.0.2', kind: 'tcp' | 'http' = 'tcp', path?: string): Promise<Counter> {
  const seen: Counter = { port: 0, connections: 0, requests: [] };
  const server =
    kind === 'http'
      ? http.createServer((req, res) => {
          seen.requests.push(req.url ?? '');
          const to = new URL(req.url ?? '/', 'http://x').searchParams.get('u');
          if (to) res.writeHead(302, { location: to });
          res.end('ok');
        })
      : net.createServer((s) => s.on('error', () => {}).end());
  server.on('connection', () => seen.connections++);
  t.teardown(() => {
    (server as http.Server).closeAllConnections?.();
    server.close();
  });
  if (path) server.listen(path);
  else server.listen(0, host);
  await once(server, 'listening');
  const addr = server.address();
  seen.port = typeof addr === 'object' && addr ? addr.port : 0;
  return seen;
}

/** A UDP socket counting datagrams. */
export async function udpTarget(t: Test, host = '127.0.0.2'): Promise<{ port: number; datagrams: number }> {
  const seen = { port: 0, datagrams: 0 };
  const sock = dgram.createSocket('udp4', () => seen.datagrams++);
  t.teardown(() => sock.close());
  sock.bind(0, host);
  await once(sock, 'listening');
  seen.port = sock.address().port;
  return seen;
}

/** Runs `script` (after PRELUDE) protected by NET_POLICY unless `policy` says otherwise; its work dir goes when the test ends. */
export async function attemptNet(t: Test, opts: Partial<RunOptions> & { script: string; port?: number }, dir?: string): Promise<ProtectedRun> {
  const { port, script, ...rest } = opts;
  const r = await runProtected(
    {
      policy: NET_POLICY,
      ...rest,
      script: `${rest.scriptName?.endsWith('.cjs') ? '(async () => {' : ''}${PRELUDE}\n${script}${rest.scriptName?.endsWith('.cjs') ? '\n})();' : ''}`,
      env: { TARGET_PORT: String(port ?? 0), ...rest.env },
    },
    dir,
  );
  t.teardown(() => cleanup(r.dir));
  return r;
}

/**
 * The run finished, every attempt reported, each was denied by Palisade, and
 * the audit log holds the denials.
 */
export function assertDenied(t: Test, r: ProtectedRun, attempts: number): void {
  t.equal(r.code, 0, `the app ran to the end (stderr: ${r.stderr.slice(0, 400)})`);
  t.equal(r.json.length, attempts, 'every attempt reported');
  for (const line of r.json) t.equal(line.code, 'ERR_PALISADE_DENIED', `${String(line.how)}: denied by Palisade`);
  t.ok(
    r.audit.some((e) => e.action === 'deny' && String(e.capability).startsWith('net.')),
    'the denial is in the audit log',
  );
}

/** The same techniques without Palisade reach the target: the tests above them can fail. */
export function assertReached(t: Test, r: ProtectedRun, attempts: number): void {
  t.equal(r.code, 0, `control run finished (stderr: ${r.stderr.slice(0, 400)})`);
  t.equal(r.json.length, attempts, 'every attempt reported');
  for (const line of r.json) t.not(line.code, 'ERR_PALISADE_DENIED', `${String(line.how)}: reached without Palisade (${String(line.code)})`);
}
