import t from 'tap';
import { compare } from './compat.js';

// fastify: routes with schemas (400 on invalid input), hooks, plugins, inject() and a real listener; failures:
// 404, a thrown error (500), a listen on a port in use (EADDRINUSE).
await compare(t, 'fastify', {
  body: String.raw`
  const fastify = await load('fastify');
  const app = fastify({ logger: false });
  app.addHook('onRequest', async (req) => { req.seen = true; });
  app.register(async (inst) => { inst.get('/plugin', async () => ({ plugin: true })); }, { prefix: '/p' });
  app.post('/typed', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async (req) => ({ double: req.body.n * 2 }));
  app.get('/hello/:name', async (req) => ({ hello: req.params.name, seen: req.seen }));
  app.get('/boom', async () => { throw Object.assign(new Error('bad things'), { statusCode: 418 }); });
  const pick = (r) => [r.statusCode, r.headers['content-type'], r.body];
  await step('inject', async () => pick(await app.inject({ method: 'GET', url: '/hello/x' })));
  await step('inject schema ok', async () => pick(await app.inject({ method: 'POST', url: '/typed', payload: { n: 21 } })));
  await step('inject schema 400', async () => pick(await app.inject({ method: 'POST', url: '/typed', payload: { n: 'no' } })));
  await step('inject 404', async () => pick(await app.inject({ method: 'GET', url: '/none' })));
  await step('inject thrown', async () => pick(await app.inject({ method: 'GET', url: '/boom' })));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  await step('listen address', () => address);
  const call = async (path, init) => { const r = await fetch(address + path, init); return [r.status, await r.text()]; };
  await step('plugin over http', () => call('/p/plugin'));
  await step('schema over http', () => call('/typed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":"x"}' }));
  await step('bad json over http', () => call('/typed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }));
  const port = app.server.address().port;
  await step('EADDRINUSE', async () => { const other = fastify(); try { return await other.listen({ port, host: '127.0.0.1' }); } finally { await other.close(); } });
  await step('bad route definition', () => { const other = fastify(); other.get('/x', 'not a handler'); return other.ready(); });
  await canary('net', () => fetch('http://127.0.0.2:9/'));
  await app.close();
`,
});
