import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { cleanup, runProtected } from './helpers/protected.js';

// Palisade's OTLP exporter talks HTTP through the sensors it exports spans
// for. Its own requests must not become spans (exported in turn, and so on).
t.test('the OTLP exporter’s own traffic is not spanned: no export loop', async (t) => {
  let exports = 0;
  const collector = http.createServer((req, res) => {
    exports++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  t.teardown(() => collector.close());
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const port = (collector.address() as AddressInfo).port;
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'net.connect': ['127.0.0.2'] }, telemetry: { spans: 'all' } },
    script: `import net from 'node:net';
const s = net.connect(1, '127.0.0.2'); s.on('error', () => {});
const a = net.connect(9, '127.0.0.1'); a.on('error', () => {});
setTimeout(() => {}, 1500);`,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  t.teardown(() => cleanup(r.dir));
  t.equal(r.code, 0, r.stderr);
  t.ok(exports >= 1, 'the app’s spans were exported');
  t.ok(exports <= 2, `exports stopped once the app’s spans were out (${exports} in 1.5 s at a 100 ms schedule)`);
});
