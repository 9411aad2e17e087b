import t from 'tap';
import { compare } from './compat.js';

// express: routing, JSON bodies, static files (read through fs), params, a 404 and an error handler, a missing
// static file, a malformed JSON body (400); requests made with fetch to the loopback server.
await compare(t, 'express', {
  files: { 'public/index.html': '<h1>hi</h1>', 'public/data.txt': 'static text' },
  body: String.raw`
  const express = await load('express');
  const app = express();
  app.use(express.json());
  app.use('/static', express.static('public'));
  app.get('/hello/:name', (req, res) => res.json({ hello: req.params.name, q: req.query }));
  app.post('/echo', (req, res) => res.status(201).json({ got: req.body }));
  app.get('/file', (req, res) => res.sendFile('data.txt', { root: 'public' }));
  app.get('/missing-file', (req, res, next) => res.sendFile('nope.txt', { root: 'public' }, (e) => next(e)));
  app.get('/throw', () => { throw new Error('handler failed'); });
  app.use((req, res) => res.status(404).json({ missing: req.path }));
  app.use((e, req, res, next) => res.status(e.status ?? e.statusCode ?? 500).json({ error: e.message.split(require_fs().realpathSync('.')).join('<cwd>'), status: e.status ?? null, code: e.code ?? null }));
  const server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  const base = 'http://127.0.0.1:' + server.address().port;
  const call = async (path, init) => { const r = await fetch(base + path, init); return [r.status, r.headers.get('content-type'), await r.text()]; };
  await step('route + query', () => call('/hello/world?x=1'));
  await step('json body', () => call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) }));
  await step('static', () => call('/static/data.txt'));
  await step('static index', () => call('/static/'));
  await step('sendFile', () => call('/file'));
  await step('404', () => call('/nowhere'));
  await step('missing static file', () => call('/static/nope.css'));
  await step('missing sendFile', () => call('/missing-file'));
  await step('handler throws', () => call('/throw'));
  await step('malformed json', () => call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' }));
  await step('listen on a port in use', () => new Promise((resolve, reject) => { const s = app.listen(server.address().port, '127.0.0.1'); s.on('error', reject); s.on('listening', () => { s.close(); resolve('listening'); }); }));
  await canary('net', () => fetch('http://127.0.0.2:9/'));
  server.close();
`,
});
