import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { createRequire } from 'node:module';
import t, { type Test } from 'tap';
import { label, run } from '@palisade/core';
import { recorded, tick, usePolicy } from './helpers/network.js';

// npm undici is a dependency of the end-to-end test package only (so untyped here).
type Dispatcher = { request(o: object): Promise<{ body: { text(): Promise<string> } }>; compose(i: unknown): Dispatcher; close(): Promise<void> };
type Connect = (o: { hostname: string; port: string }, cb: (e: Error | null, s: net.Socket | null) => void) => unknown;
interface Undici {
  request(url: string, o?: object): Promise<unknown>;
  fetch(url: string, o?: object): Promise<unknown>;
  Agent: new (o?: { connect?: Connect }) => Dispatcher;
  Pool: new (origin: string) => Dispatcher;
  Client: new (origin: string) => Dispatcher;
  interceptors: { redirect(o: object): unknown };
  getGlobalDispatcher(): Dispatcher;
  setGlobalDispatcher(d: Dispatcher): void;
}
const undici = createRequire(new URL('../../../test/package.json', import.meta.url))('undici') as Undici;

const DENY_2 = { deny: { 'net.connect': ['127.0.0.2'] } };

async function httpServer(t: Test, host = '127.0.0.1'): Promise<{ port: number; paths: string[]; sockets: number; base: string }> {
  const seen = { port: 0, paths: [] as string[], sockets: 0, base: '' };
  const server = http.createServer((req, res) => {
    seen.paths.push(req.url ?? '');
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) res.writeHead(302, { location: to });
    res.end('ok');
  });
  server.on('connection', () => seen.sockets++);
  server.keepAliveTimeout = 10_000;
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  server.listen(0, host);
  await once(server, 'listening');
  seen.port = (server.address() as net.AddressInfo).port;
  seen.base = `http://${host}:${seen.port}`;
  return seen;
}

async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  return { resolved: true };
}

t.test('global fetch of a denied URL rejects like an unreachable one: TypeError, cause PalisadeDeniedError', async (t) => {
  usePolicy(t, DENY_2);
  const records = recorded(t);
  const server = await httpServer(t, '127.0.0.2');
  for (const input of [`${server.base}/a`, new URL(`http://0x7f000002:${server.port}/b`), new Request(`http://127.2:${server.port}/c`)]) {
    const err = await failure(fetch(input));
    t.match(err, { name: 'TypeError', message: 'fetch failed', cause: { code: 'ERR_PALISADE_DENIED', capability: 'net.connect' } }, String(input));
  }
  await tick();
  t.same(server.paths, []);
  t.equal(records.length, 3, 'one record per fetch: no connection was attempted');
});

t.test('a fetch input converted to a string is converted once', async (t) => {
  usePolicy(t, DENY_2);
  const server = await httpServer(t, '127.0.0.2');
  const allowed = await httpServer(t);
  let n = 0;
  const sneaky = { toString: () => (n++ === 0 ? `${allowed.base}/x` : `${server.base}/x`) };
  await failure(fetch(sneaky as unknown as string));
  t.same(server.paths, [], 'the denied server saw nothing');
});

t.test('a redirect to a denied host is denied (fetch follows it itself)', async (t) => {
  usePolicy(t, DENY_2);
  const denied = await httpServer(t, '127.0.0.2');
  const start = await httpServer(t);
  const err = await failure(fetch(`${start.base}/go?to=${encodeURIComponent(`${denied.base}/secret`)}`));
  t.match(err, { message: 'fetch failed', cause: { code: 'ERR_PALISADE_DENIED' } });
  t.equal(start.paths.length, 1);
  t.same(denied.paths, []);
  t.equal(denied.sockets, 0);
});

t.test('npm undici: request, fetch, Pool, Client, custom Agent and connector, global dispatcher, redirect interceptor', async (t) => {
  usePolicy(t, DENY_2);
  const denied = await httpServer(t, '127.0.0.2');
  const start = await httpServer(t);
  const url = `${denied.base}/u`;
  const agent = new undici.Agent({ connect: (opts, cb) => {
    const s = net.connect({ host: opts.hostname, port: Number(opts.port) });
    s.once('connect', () => cb(null, s)).once('error', (e) => cb(e, null));
    return s;
  } });
  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['request', () => undici.request(url)],
    ['fetch', () => undici.fetch(url)],
    ['Pool', () => new undici.Pool(denied.base).request({ path: '/u', method: 'GET' })],
    ['Client', () => new undici.Client(denied.base).request({ path: '/u', method: 'GET' })],
    ['custom connector', () => undici.request(url, { dispatcher: agent })],
    ['global fetch, npm dispatcher', () => fetch(url, { dispatcher: new undici.Agent() } as RequestInit)],
    ['redirect interceptor', () => undici.request(`${start.base}/r?to=${encodeURIComponent(url)}`, { dispatcher: new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 2 })) })],
  ];
  for (const [name, attempt] of attempts) {
    const err = await failure(attempt());
    const cause = (err.cause ?? err) as Record<string, unknown>;
    t.equal(cause.code, 'ERR_PALISADE_DENIED', name);
  }
  const previous = undici.getGlobalDispatcher();
  undici.setGlobalDispatcher(new undici.Agent());
  t.teardown(() => undici.setGlobalDispatcher(previous));
  t.match(await failure(fetch(url)), { cause: { code: 'ERR_PALISADE_DENIED' } }, 'setGlobalDispatcher');
  await tick();
  t.same(denied.paths, []);
  t.equal(denied.sockets, 0);
});

t.test('pooled undici and fetch connections are not a way around a scope that denies the host', async (t) => {
  usePolicy(t, { flows: [{ when: ['untrusted'], deny: ['net.connect'] }] });
  const server = await httpServer(t);
  const pool = new undici.Pool(server.base);
  t.teardown(() => pool.close());
  const viaPool = (path: string) => pool.request({ path, method: 'GET' }).then((r) => r.body.text());
  t.equal(await viaPool('/p1'), 'ok');
  t.equal(await (await fetch(`${server.base}/f1`)).text(), 'ok');
  await run({ agent: 'test' }, async () => {
    label('untrusted');
    t.match(await failure(viaPool('/p2')), { code: 'ERR_PALISADE_DENIED' });
    t.match(await failure(fetch(`${server.base}/f2`)), { cause: { code: 'ERR_PALISADE_DENIED' } });
  });
  t.equal(await viaPool('/p3'), 'ok');
  t.same(server.paths, ['/p1', '/f1', '/p3']);
});

t.test('allowed fetches are unchanged, including fetch’s own failures', async (t) => {
  usePolicy(t, DENY_2);
  const server = await httpServer(t);
  t.equal(await (await fetch(`${server.base}/ok`)).text(), 'ok');
  t.match(await failure(fetch('not a url')), { name: 'TypeError' });
  const gone = net.createServer().listen(0, '127.0.0.1');
  await once(gone, 'listening');
  const closedPort = (gone.address() as net.AddressInfo).port;
  gone.close();
  t.match(await failure(fetch(`http://127.0.0.1:${closedPort}/`)), { message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  t.match(await failure(fetch('http://127.0.0.1:1/')), { message: 'fetch failed', cause: { message: 'bad port' } });
  t.equal(await (await fetch('data:text/plain,hello')).text(), 'hello');
});

t.test('http2: connect to a denied host fails the session; a session is re-checked per request', async (t) => {
  usePolicy(t, { ...DENY_2, flows: [{ when: ['untrusted'], deny: ['net.connect'] }] });
  const h2 = http2.createServer();
  const paths: string[] = [];
  h2.on('stream', (stream, headers) => {
    paths.push(String(headers[':path']));
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  t.teardown(() => h2.close());
  h2.listen(0, '127.0.0.1');
  await once(h2, 'listening');
  const port = (h2.address() as net.AddressInfo).port;
  const denied = http2.connect(`http://127.0.0.2:${port}`);
  t.match((await once(denied, 'error'))[0], { code: 'ERR_PALISADE_DENIED' });
  const session = http2.connect(`http://127.0.0.1:${port}`);
  t.teardown(() => session.close());
  const request = (path: string) => {
    const stream = session.request({ ':path': path });
    stream.resume();
    return once(stream, 'end');
  };
  await request('/one');
  await run({ agent: 'test' }, async () => {
    label('untrusted');
    t.throws(() => session.request({ ':path': '/two' }), { code: 'ERR_PALISADE_DENIED' });
  });
  await request('/three');
  t.same(paths, ['/one', '/three']);
});

t.test('monitor mode: fetch proceeds, alert recorded', async (t) => {
  usePolicy(t, { ...DENY_2, mode: 'monitor' });
  const records = recorded(t);
  const server = await httpServer(t, '127.0.0.2');
  t.equal(await (await fetch(`${server.base}/m`)).text(), 'ok');
  t.match(records[0], { action: 'alert', api: 'fetch' });
});
