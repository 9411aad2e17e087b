import t from 'tap';
import { compare } from './compat.js';

// undici (the npm package): request, fetch, Pool, Client, stream, redirects, against a loopback server; failures:
// ECONNREFUSED, 404, a redirect loop, an invalid URL, bad arguments, an aborted request.
await compare(t, 'undici', {
  body: String.raw`
  const undici = await load('undici');
  const http = await load('node:http');
  const server = http.createServer((req, res) => {
    if (req.url === '/json') { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ ok: true, method: req.method })); }
    else if (req.url === '/redirect') { res.statusCode = 302; res.setHeader('location', '/json'); res.end(); }
    else if (req.url === '/loop') { res.statusCode = 302; res.setHeader('location', '/loop'); res.end(); }
    else if (req.url === '/echo') { let b = ''; req.on('data', (d) => (b += d)); req.on('end', () => res.end('echo:' + b)); }
    else if (req.url === '/slow') { setTimeout(() => res.end('late'), 2000); }
    else { res.statusCode = 404; res.end('not found'); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = 'http://127.0.0.1:' + server.address().port;
  await step('request json', async () => { const r = await undici.request(base + '/json'); return [r.statusCode, await r.body.json()]; });
  await step('request POST', async () => { const r = await undici.request(base + '/echo', { method: 'POST', body: 'payload' }); return [r.statusCode, await r.body.text()]; });
  await step('fetch', async () => { const r = await undici.fetch(base + '/json'); return [r.status, await r.json()]; });
  await step('fetch redirect', async () => { const r = await undici.fetch(base + '/redirect'); return [r.status, r.redirected, await r.json()]; });
  await step('Pool', async () => { const pool = new undici.Pool(base, { connections: 2 }); const rs = await Promise.all([1, 2, 3].map(() => pool.request({ path: '/json', method: 'GET' }).then((r) => r.body.json()))); await pool.close(); return rs; });
  await step('Client stream', async () => { const c = new undici.Client(base); const chunks = []; await c.stream({ path: '/echo', method: 'POST', body: 'streamed' }, () => new (require_stream().Writable)({ write(ch, _e, cb) { chunks.push(String(ch)); cb(); } })); await c.close(); return chunks.join(''); });
  await step('404', async () => { const r = await undici.request(base + '/missing'); return [r.statusCode, await r.body.text()]; });
  await step('fetch 404', async () => { const r = await undici.fetch(base + '/missing'); return [r.status, r.ok, await r.text()]; });
  // failures
  const closed = await new Promise((r) => { const s = http.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  await step('ECONNREFUSED request', () => undici.request('http://127.0.0.1:' + closed + '/'));
  await step('ECONNREFUSED fetch', () => undici.fetch('http://127.0.0.1:' + closed + '/'));
  await step('redirect loop', () => undici.fetch(base + '/loop'));
  await step('invalid URL', () => undici.request('not a url'));
  await step('bad method', () => undici.request(base + '/json', { method: 'GET\r\nX: y' }));
  await step('headers timeout', () => undici.request(base + '/slow', { headersTimeout: 50 }));
  await step('aborted', () => { const ac = new AbortController(); const p = undici.request(base + '/slow', { signal: ac.signal }); ac.abort(); return p; });
  await canary('net', () => undici.request('http://127.0.0.2:9/'));
  server.close();
`,
});
