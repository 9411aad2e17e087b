import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { label, run } from '@palisade/core';
import { closed, eventsOf, recorded, tcpServer, tick, usePolicy } from './helpers/network.js';

const DENY_2 = { deny: { 'net.connect': ['127.0.0.2'] } };

/** An HTTP server on `host` counting requests by path; `/redirect?to=` answers 302. */
async function httpServer(t: Test, where = '127.0.0.1'): Promise<{ port: number; paths: string[]; sockets: number }> {
  const seen = { port: 0, paths: [] as string[], sockets: 0 };
  const server = http.createServer((req, res) => {
    seen.paths.push(req.url ?? '');
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) res.writeHead(302, { location: to });
    res.end('ok');
  });
  server.on('connection', () => seen.sockets++);
  server.keepAliveTimeout = 10_000;
  t.teardown(() => server.closeAllConnections?.() ?? server.close());
  t.teardown(() => server.close());
  if (where.includes('/')) server.listen(where);
  else server.listen(0, where);
  await once(server, 'listening');
  const addr = server.address();
  seen.port = typeof addr === 'object' && addr ? addr.port : 0;
  return seen;
}

function get(url: string | URL | http.RequestOptions, options?: http.RequestOptions): Promise<{ status?: number; error?: string; events: string[] }> {
  return new Promise((resolve) => {
    const cb = (res: http.IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, events }));
    };
    const req = options ? http.get(url as string, options, cb) : http.get(url as string, cb);
    const events = eventsOf(req, ['socket', 'error', 'close']);
    req.on('error', (e: NodeJS.ErrnoException) => closed(req).then(() => resolve({ error: e.code, events })));
  });
}

t.test('http.get/request to a denied host: error then close on the request, nothing reaches the server', async (t) => {
  usePolicy(t, DENY_2);
  const records = recorded(t);
  const server = await httpServer(t, '127.0.0.2');
  const forms: Array<[string, () => ReturnType<typeof get>]> = [
    ['url string', () => get(`http://127.0.0.2:${server.port}/a`)],
    ['url + options', () => get(`http://127.0.0.1:${server.port}/b`, { hostname: '0x7f.0.0.2' })],
    ['URL object', () => get(new URL(`http://2130706434:${server.port}/c`))],
    ['options', () => get({ host: '127.0.0.2', port: server.port, path: '/d', agent: new http.Agent({ keepAlive: true }) })],
  ];
  for (const [name, attempt] of forms) {
    const r = await attempt();
    t.equal(r.error, 'ERR_PALISADE_DENIED', name);
    t.same(r.events, ['socket', 'error:ERR_PALISADE_DENIED', 'close'], `${name}: events as for a refused connection`);
  }
  await new Promise<void>((resolve) => {
    const req = http.request({ host: '127.0.0.2', port: server.port, method: 'POST' }, () => t.fail('no response'));
    req.on('error', () => resolve());
    req.end('body');
  });
  await tick();
  t.same(server.paths, []);
  t.equal(server.sockets, 0);
  t.equal(records.filter((r) => r.api?.startsWith('http.')).length, 5, 'one decision per request');
  t.equal(records.filter((r) => r.api === 'net.Socket.connect').length, 0, 'no second one for a connection never made');
});

t.test('allowed requests are unchanged, including Node’s own errors', async (t) => {
  usePolicy(t, DENY_2);
  const server = await httpServer(t);
  t.equal((await get(`http://127.0.0.1:${server.port}/ok`)).status, 200);
  t.equal((await get(`http://localhost:${server.port}/ok2`)).status, 200);
  t.throws(() => http.get('http://[bad'), { code: 'ERR_INVALID_URL' });
  t.throws(() => http.get('https://127.0.0.1/'), { code: 'ERR_INVALID_PROTOCOL' });
  t.throws(() => http.get({ host: '127.0.0.1', port: 70000 }), { code: 'ERR_SOCKET_BAD_PORT' });
  t.throws(() => http.get({ host: '127.0.0.2', agent: 5 as never }), { code: 'ERR_INVALID_ARG_TYPE' });
  t.same(server.paths, ['/ok', '/ok2']);
});

t.test('https.get to a denied host fails the same way', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  for (const attempt of [() => https.get(`https://127.0.0.2:${server.port}/`), () => https.request({ host: '127.2', port: server.port })]) {
    const req = attempt();
    t.match((await once(req, 'error'))[0], { code: 'ERR_PALISADE_DENIED' });
  }
  await tick();
  t.equal(server.connections, 0);
});

t.test('socketPath requests are checked against unix: patterns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-http-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  usePolicy(t, { deny: { 'net.connect': [`unix:${dir}/docker.sock`] } });
  const server = await httpServer(t, join(dir, 'docker.sock'));
  const r = await get({ socketPath: join(dir, 'docker.sock'), path: '/containers/json' });
  t.equal(r.error, 'ERR_PALISADE_DENIED');
  t.same(server.paths, []);
});

t.test('a keep-alive connection is not a way around a scope whose policy denies the host', async (t) => {
  usePolicy(t, { flows: [{ when: ['untrusted'], deny: ['net.connect'] }] });
  const server = await httpServer(t);
  const agent = new http.Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const opts = { host: '127.0.0.1', port: server.port, agent };
  t.equal((await get({ ...opts, path: '/before' })).status, 200);
  await run({ agent: 'test' }, async () => {
    label('untrusted');
    t.equal((await get({ ...opts, path: '/inside' })).error, 'ERR_PALISADE_DENIED');
  });
  t.equal((await get({ ...opts, path: '/after' })).status, 200, 'the pooled connection still serves others');
  t.same(server.paths, ['/before', '/after']);
  t.equal(server.sockets, 1, 'one connection, reused');
});

t.test('a getter cannot show the check one host and Node a pooled one', async (t) => {
  usePolicy(t, { flows: [{ when: ['untrusted'], deny: { 'net.connect': ['127.0.0.1'] } }] });
  const server = await httpServer(t);
  const agent = new http.Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  t.equal((await get({ host: '127.0.0.1', port: server.port, path: '/warm', agent })).status, 200);
  await run({ agent: 'test' }, async () => {
    label('untrusted');
    let reads = 0;
    const sneaky = { port: server.port, path: '/inside', agent, get host() {
      return reads++ === 0 ? 'innocent.example' : '127.0.0.1';
    } };
    const r = await get(sneaky);
    t.not(r.status, 200);
  });
  t.same(server.paths, ['/warm'], 'nothing was sent on the pooled connection');
});

t.test('monitor mode: the request proceeds and an alert is recorded', async (t) => {
  usePolicy(t, { ...DENY_2, mode: 'monitor' });
  const records = recorded(t);
  const server = await httpServer(t, '127.0.0.2');
  t.equal((await get(`http://127.0.0.2:${server.port}/m`)).status, 200);
  t.same(server.paths, ['/m']);
  t.match(records, [{ action: 'alert', api: 'http.get' }, { action: 'alert', api: 'net.Socket.connect' }]);
});
