import t from 'tap';
import { compare } from './compat.js';

// axios (Node http adapter): GET/POST JSON, params, headers, interceptors, streams; failures: 404 and 500
// (AxiosError with the response), ECONNREFUSED, a timeout, an invalid URL, a cancelled request.
await compare(t, 'axios', {
  body: String.raw`
  const axios = await load('axios');
  const http = await load('node:http');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url.startsWith('/json')) { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ url: req.url, method: req.method, body, h: req.headers['x-test'] ?? null })); }
      else if (req.url === '/500') { res.statusCode = 500; res.end('boom'); }
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000);
      else { res.statusCode = 404; res.setHeader('content-type', 'application/json'); res.end('{"error":"nope"}'); }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = 'http://127.0.0.1:' + server.address().port;
  const pick = (r) => ({ status: r.status, data: r.data });
  await step('get', async () => pick(await axios.get(base + '/json', { params: { a: 1, b: 'x y' }, headers: { 'x-test': 'yes' } })));
  await step('post json', async () => pick(await axios.post(base + '/json', { hello: 'world' })));
  await step('instance + interceptor', async () => { const i = axios.create({ baseURL: base }); i.interceptors.request.use((c) => { c.headers['x-test'] = 'intercepted'; return c; }); return pick(await i.put('/json', 'raw')); });
  await step('stream response', async () => { const r = await axios.get(base + '/json', { responseType: 'stream' }); let s = ''; for await (const c of r.data) s += c; return s; });
  await step('validateStatus', async () => pick(await axios.get(base + '/missing', { validateStatus: () => true })));
  // failures
  const info = (e) => ({ ...err(e), isAxiosError: e.isAxiosError ?? null, responseStatus: e.response?.status ?? null, responseData: e.response?.data ?? null });
  await step('404', () => axios.get(base + '/missing').catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  await step('500', () => axios.get(base + '/500').catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  const closed = await new Promise((r) => { const s = http.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  await step('ECONNREFUSED', () => axios.get('http://127.0.0.1:' + closed + '/'));
  await step('timeout', () => axios.get(base + '/slow', { timeout: 50 }));
  await step('invalid URL', () => axios.get('http://[bad'));
  await step('cancelled', () => { const ac = new AbortController(); const p = axios.get(base + '/slow', { signal: ac.signal }); ac.abort(); return p; });
  await canary('net', () => axios.get('http://127.0.0.2:9/'));
  server.close();
`,
});
