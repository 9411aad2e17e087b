import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { cleanup, runProtected } from './helpers/protected.js';

// Palisade's OTLP exporter talks HTTP through the sensors it exports spans
// for. Its own requests must not become spans (exported in turn, and so on).
t.test('the OTLP exporter’s own traffic is not spanned: no export loop', async (t) => {
  const c = await collector(t);
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'net.connect': ['127.0.0.2'] }, telemetry: { spans: 'all' } },
    script: `import net from 'node:net';
const s = net.connect(1, '127.0.0.2'); s.on('error', () => {});
const a = net.connect(9, '127.0.0.1'); a.on('error', () => {});
setTimeout(() => {}, 1500);`,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${c.port}`, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  t.teardown(() => cleanup(r.dir));
  t.equal(r.code, 0, r.stderr);
  t.ok(c.exports() >= 1, 'the app’s spans were exported');
  t.ok(c.exports() <= 2, `exports stopped once the app’s spans were out (${c.exports()} in 1.5 s at a 100 ms schedule)`);
});

/**
 * A loopback OTLP collector that answers 200 and counts the export requests it got. It closes
 * each connection after its answer, so every export opens a new one (and looks its host up).
 */
async function collector(t: Test, tls?: https.ServerOptions): Promise<{ port: number; exports: () => number }> {
  let exports = 0;
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    exports++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', connection: 'close' }).end());
  };
  const server = tls ? https.createServer(tls, answer) : http.createServer(answer);
  t.teardown(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, exports: () => exports };
}

// Whether promise hooks run, seen from the app: with none, a promise callback runs in the
// execution context of whatever ran the microtasks (the same id as the code awaiting it).
const PROMISE_HOOKS_PROBE = `import { executionAsyncId } from 'node:async_hooks';
const outer = executionAsyncId();
const inner = await Promise.resolve().then(() => executionAsyncId());
console.log(JSON.stringify({ promiseHooks: inner !== outer }));`;

/** An app whose spans go out in the first 300 ms, then idles 1.2 s (an export loop would go on), then probes. */
const SPANS_THEN_IDLE = `import fs from 'node:fs';
for (let i = 0; i < 3; i++) { fs.readFileSync(process.argv[1]); await new Promise((r) => setTimeout(r, 100)); }
await new Promise((r) => setTimeout(r, 1200));
${PROMISE_HOOKS_PROBE}`;

// Regression: the exporter's I/O was marked with an AsyncLocalStorage run, which on Node 20
// turns on async hooks for the whole process at the first export: every promise the app makes
// afterwards cost more (~25% on fs.promises.readFile). Its requests are now recognised by the
// exporter's own HTTP agent. Through a host name, its DNS lookups are Palisade's own too.
t.test('the exporter’s traffic, through a host name, is not spanned and leaves the app’s async hooks off', async (t) => {
  const c = await collector(t);
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', telemetry: { spans: 'all' } },
    script: SPANS_THEN_IDLE,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${c.port}`, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  t.teardown(() => cleanup(r.dir));
  t.equal(r.code, 0, r.stderr);
  t.ok(c.exports() >= 1, 'the app’s spans were exported');
  t.ok(c.exports() <= 4, `exports stopped once the app’s spans were out (${c.exports()} in 1.5 s at a 100 ms schedule)`);
  t.same(r.json.find((l) => 'promiseHooks' in l), { promiseHooks: false }, 'no promise hooks after the exports');
});

t.test('the exporter’s own requests are still checked by the policy', async (t) => {
  const c = await collector(t);
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'net.connect': [`127.0.0.1:${c.port}`] }, telemetry: { spans: 'all' } },
    script: `import fs from 'node:fs';
import { palisade } from 'palisade';
fs.readFileSync(process.argv[1]);
for (let i = 0; i < 60 && palisade.stats().telemetryErrors === 0; i++) await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ stats: palisade.stats() }));`,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${c.port}`, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_OTLP_TIMEOUT: '500' },
  });
  t.teardown(() => cleanup(r.dir));
  t.equal(r.code, 0, r.stderr);
  const stats = (r.json.find((l) => 'stats' in l) as { stats: Record<string, number> } | undefined)?.stats ?? {};
  t.equal(c.exports(), 0, 'nothing reached the denied collector');
  t.ok(stats.telemetryErrors! >= 1, `the refused export counted (${stats.telemetryErrors})`);
  t.ok(stats.denied! >= 1, `and denied as the policy says (${stats.denied})`);
});

const TLS = fileURLToPath(new URL('./fixtures/tls/', import.meta.url));

// The exporter's agent is adopted, not replaced: an HTTPS collector trusted only through the
// environment's certificate setting (which the exporter reads for its agent) still gets the spans,
// over TLS connections opened as Palisade's own (each export a new one: no loop).
t.test('an HTTPS collector trusted through OTEL_EXPORTER_OTLP_CERTIFICATE: exports arrive, no loop', async (t) => {
  const c = await collector(t, { cert: readFileSync(`${TLS}cert.pem`), key: readFileSync(`${TLS}key.pem`) });
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', telemetry: { spans: 'all' } },
    script: SPANS_THEN_IDLE,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `https://localhost:${c.port}`, OTEL_EXPORTER_OTLP_CERTIFICATE: `${TLS}cert.pem`, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  t.teardown(() => cleanup(r.dir));
  t.equal(r.code, 0, r.stderr);
  t.ok(c.exports() >= 1, `the app’s spans were exported over TLS (${c.exports()})`);
  t.ok(c.exports() <= 4, `exports stopped once the app’s spans were out (${c.exports()} in 1.5 s at a 100 ms schedule)`);
  t.same(r.json.find((l) => 'promiseHooks' in l), { promiseHooks: false });
});
