/**
 * `telemetry.spans: "all"` under a synchronous burst, through `palisade/register`'s real
 * BatchSpanProcessor and OTLP exporter to a loopback collector. The processor alone drops every span
 * that ends while its queue (2,048) is full and one batch is in flight; a loop of file reads kept
 * 2,560 of 10,000. Every span must arrive, and where the exporter's own limit refuses some, each
 * refused span must be counted in palisade.stats() and reported: none lost silently.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { runProtected } from '../helpers/protected.js';

const MARKER = 'burst-marker.txt';

/** A collector that counts the spans naming MARKER (one attribute each), answering after `delayMs`. */
async function collector(t: { teardown(fn: () => void): void }, delayMs: number) {
  let spans = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      spans += Buffer.concat(chunks).toString('latin1').split(MARKER).length - 1;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans: () => spans, requests: () => requests };
}

const POLICY = { version: 1, mode: 'enforce', allow: { 'fs.read': ['${cwd}/**'] }, telemetry: { spans: 'all' } };

/** `script` run under POLICY with Palisade's OTLP exporter pointed at a collector answering after `delayMs`. */
async function spanned(t: { teardown(fn: () => void): void }, delayMs: number, script: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
  const c = await collector(t, delayMs);
  const r = await runProtected({ policy: POLICY, script, nodeArgs, files: { [MARKER]: 'x' }, env: { OTEL_EXPORTER_OTLP_ENDPOINT: c.url, ...env } });
  return { c, r };
}

const app = (n: number) => `import fs from 'node:fs';
import { palisade } from 'palisade';
const internal = new Set();
palisade.on('internal-error', (e, c) => internal.add(c.source + ': ' + e.message));
for (let i = 0; i < ${n}; i++) fs.readFileSync('${MARKER}');
// Exports in flight finish; whatever still waits leaves with the exporter's shutdown at exit.
setTimeout(() => console.log(JSON.stringify({ spansLost: palisade.stats().spansLost, internal: [...internal] })), 1500);`;

t.test('a burst of 10,000 spanned reads: every span reaches the collector', async (t) => {
  const { c, r } = await spanned(t, 0, app(10_000), { OTEL_SERVICE_NAME: 'span-burst' });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { spansLost: 0, internal: [] });
  t.equal(c.spans(), 10_000, `all spans exported (${c.requests()} requests)`);
});

t.test("beyond the exporter's requests in flight: every refused span counted and reported", async (t) => {
  // Batches of 8 and a collector that answers slowly: the exporter takes 64 requests (512 spans) in
  // flight and refuses further batches until they finish.
  const { c, r } = await spanned(t, 300, app(2_000), { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '8', OTEL_EXPORTER_OTLP_TIMEOUT: '5000' });
  t.equal(r.code, 0, r.stderr);
  const { spansLost, internal } = r.json[0] as { spansLost: number; internal: string[] };
  t.ok(spansLost > 0, `some spans refused (${spansLost})`);
  t.equal(c.spans() + spansLost, 2_000, `delivered (${c.spans()}) and counted as lost (${spansLost}) add up to every span`);
  t.same(internal, ['telemetry export: Concurrent export limit reached']);
  t.match(r.stderr, /PALISADE_INTERNAL_ERROR.*telemetry export/, 'warned once on stderr');
});

t.test('while a burst is being exported, its spans are not kept in memory: only the encoded requests', async (t) => {
  // The collector answers after 3 s: during that time every batch of the burst is in flight. The batch
  // processor keeps the array it handed over until then; Palisade empties it once the exporter has
  // encoded it. Heap after a full collection, in flight, against before the burst, for 10,000 spans:
  // 10.3 MB when the spans are kept, 1.0 MB when they are let go (measured).
  const script = `import fs from 'node:fs';
const heap = () => (globalThis.gc(), process.memoryUsage().heapUsed);
// Warm: a full batch (512) is exported at once, so the exporter and its code are loaded; its answer comes.
for (let i = 0; i < 600; i++) fs.readFileSync('${MARKER}');
await new Promise((r) => setTimeout(r, 3500));
const before = heap();
for (let i = 0; i < 10000; i++) fs.readFileSync('${MARKER}');
await new Promise((r) => setTimeout(r, 200)); // the requests are sent; the collector holds its answers
console.log(JSON.stringify({ grewMB: (heap() - before) / 1048576 }));`;
  const { c, r } = await spanned(t, 3000, script, { OTEL_SERVICE_NAME: 'span-memory' }, ['--expose-gc']);
  t.equal(r.code, 0, r.stderr);
  const { grewMB } = r.json[0] as { grewMB: number };
  t.ok(grewMB < 8, `heap grew ${grewMB.toFixed(1)} MB with 10,000 spans in flight`);
  t.equal(c.spans(), 10_600, 'and every span still arrived');
});
