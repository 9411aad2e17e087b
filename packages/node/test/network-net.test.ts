import type { LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import { originalOf } from '../src/wrap.js';
import { closed, eventsOf, recorded, tcpServer, tick, usePolicy } from './helpers/network.js';

const DENY_2 = { deny: { 'net.connect': ['127.0.0.2'] } };
const EVENTS = ['lookup', 'connect', 'ready', 'error', 'close'] as const;
type LookupCb = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
const answer = (address: string) => (_h: string, o: { all?: boolean }, cb: LookupCb) =>
  o.all ? cb(null, [{ address, family: net.isIP(address) }]) : cb(null, address, net.isIP(address));

function tmp(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-net-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a denied connect fails like a refused one: error then close, later than this tick, nothing reaches the server', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  const s = net.connect(server.port, '127.0.0.2', () => t.fail('connect callback must not run'));
  const done = closed(s);
  t.equal(s.connecting, true, 'looks like a connection in progress');
  s.write('exfiltrated');
  await Promise.resolve();
  const events = eventsOf(s, EVENTS); // attached after an await: still in time
  const err = (await once(s, 'error'))[0] as Record<string, unknown>;
  t.match(err, { name: 'PalisadeDeniedError', code: 'ERR_PALISADE_DENIED', capability: 'net.connect', target: `127.0.0.2:${server.port}`, rule: 'deny.net.connect[0]' });
  await done;
  t.same(events, ['lookup', 'error:ERR_PALISADE_DENIED', 'close'], 'as for a name that does not resolve');
  await tick();
  t.equal(server.connections, 0);
  t.equal(server.data, '');
});

t.test('numeric forms of a denied address are denied before any lookup', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  for (const host of ['2130706434', '0x7f000002', '0x7f.0.0.2', '0177.0.0.2', '127.2', '::ffff:127.0.0.2', '::ffff:7f00:2']) {
    const s = net.connect({ host, port: server.port, lookup: () => t.fail('no lookup for a denied name') });
    const [err] = await once(s, 'error');
    t.equal((err as { code: string }).code, 'ERR_PALISADE_DENIED', host);
  }
  t.equal(server.connections, 0);
});

t.test('a name whose answer is a denied address is stopped before connecting (caller-supplied lookup)', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  for (const autoSelectFamily of [true, false]) {
    const s = new net.Socket();
    const events = eventsOf(s, EVENTS);
    const done = closed(s);
    s.connect({ host: 'innocent.example', port: server.port, lookup: answer('127.0.0.2'), autoSelectFamily });
    const [err] = await once(s, 'error');
    t.match(err, { code: 'ERR_PALISADE_DENIED', target: `innocent.example:${server.port} (127.0.0.2)` }, `autoSelectFamily ${autoSelectFamily}`);
    await done;
    t.same(events, ['lookup', 'error:ERR_PALISADE_DENIED', 'close'], 'Node reports it as the lookup error');
  }
  const mapped = net.connect({ host: 'innocent.example', port: server.port, lookup: answer('::ffff:127.0.0.2') });
  t.match((await once(mapped, 'error'))[0], { code: 'ERR_PALISADE_DENIED' }, 'mapped IPv6 answer');
  const mixed = net.connect({
    host: 'innocent.example',
    port: server.port,
    lookup: (_h: string, _o: unknown, cb: LookupCb) => cb(null, [{ address: '127.0.0.1', family: 4 }, { address: '127.0.0.2', family: 4 }]),
  });
  t.match((await once(mixed, 'error'))[0], { code: 'ERR_PALISADE_DENIED' }, 'any denied address in the answer denies the name');
  t.equal(server.connections, 0);
});

t.test('names resolving into denied @sets (private, metadata, link-local) are denied', async (t) => {
  usePolicy(t, { deny: { 'net.connect': ['@metadata', '@private', '@link-local'] } });
  for (const address of ['10.1.2.3', '192.168.0.10', '169.254.169.254', '169.254.1.1', 'fd00::1', '::ffff:10.0.0.1']) {
    const s = net.connect({ host: 'rebind.example', port: 80, lookup: answer(address) });
    t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED', rule: /^deny\.net\.connect\[\d\]$/ }, address);
  }
  for (const host of ['metadata.google.internal', '169.254.169.254', '0xa9fea9fe']) {
    const s = net.connect({ host, port: 80, lookup: () => t.fail('denied by name, never resolved') });
    t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED' }, host);
  }
});

t.test('the system resolver answer is checked too (localhost → 127.0.0.1)', async (t) => {
  usePolicy(t, { deny: { 'net.connect': ['127.0.0.1/32'] } });
  const server = await tcpServer(t);
  const s = net.connect(server.port, 'localhost');
  t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED', target: `localhost:${server.port} (127.0.0.1)` });
  await tick();
  t.equal(server.connections, 0);
});

t.test('allowed connects behave as without Palisade: same events, same errors', async (t) => {
  usePolicy(t, DENY_2);
  const plain = originalOf(net.Socket.prototype.connect) as (this: net.Socket, ...args: unknown[]) => net.Socket;
  const connect = net.connect as (...args: unknown[]) => net.Socket;
  const server = await tcpServer(t);
  const refused = await tcpServer(t);
  refused.server.close();
  await once(refused.server, 'close');
  const run = async (wrapped: boolean, port: number, host: string) => {
    const s = new net.Socket();
    const events = eventsOf(s, EVENTS);
    if (wrapped) s.connect(port, host);
    else plain.call(s, port, host);
    s.on('connect', () => s.end());
    await closed(s);
    return events;
  };
  for (const [port, host] of [
    [server.port, '127.0.0.1'],
    [server.port, 'localhost'],
    [refused.port, '127.0.0.1'],
    [refused.port, 'localhost'],
  ] as const) {
    t.same(await run(true, port, host), await run(false, port, host), `${host}:${port === server.port ? 'open' : 'refused'}`);
  }
  const invalid: Array<[string, () => unknown]> = [
    ['ERR_SOCKET_BAD_PORT', () => net.connect(70000, '127.0.0.2')],
    ['ERR_SOCKET_BAD_PORT', () => connect({ port: '  ', host: '127.0.0.2' })],
    ['ERR_MISSING_ARGS', () => connect({ host: '127.0.0.2' })],
    ['ERR_INVALID_ARG_TYPE', () => connect({ port: 1, host: 'x.example', lookup: 5 })],
    ['ERR_INVALID_ARG_TYPE', () => connect({ path: 5 })],
  ];
  for (const [code, fn] of invalid) t.throws(fn, { code }, code);
});

t.test('options are read once: a getter cannot show one host to the check and another to Node', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  const other = await tcpServer(t);
  for (const start of [0, 1]) {
    let reads = start;
    const s = net.connect({
      port: server.port,
      get host() {
        return reads++ % 2 === 0 ? '127.0.0.1' : '127.0.0.2';
      },
    });
    const done = closed(s);
    s.on('error', () => {});
    s.on('connect', () => s.destroy());
    await done;
  }
  await tick();
  t.equal(server.connections, 0, 'nothing reached the denied address');
  t.equal(other.connections, 0, 'the allowed address has no server on that port either');
});

t.test('a host polluted onto Object.prototype is judged as Node uses it', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  (Object.prototype as Record<string, unknown>).host = '127.0.0.2';
  t.teardown(() => delete (Object.prototype as Record<string, unknown>).host);
  const s = net.connect({ port: server.port });
  t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED' });
  t.equal(server.connections, 0);
});

t.test('a socket made first and connected later, and reconnect after a denial', async (t) => {
  usePolicy(t, DENY_2);
  const denied = await tcpServer(t, '127.0.0.2');
  const allowed = await tcpServer(t);
  const s = new net.Socket();
  const done = closed(s);
  s.connect(denied.port, '127.0.0.2');
  t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED' });
  await done;
  s.connect(allowed.port, '127.0.0.1');
  await once(s, 'connect');
  s.destroy();
  t.equal(denied.connections, 0);
});

t.test('unix socket paths are targets: net.connect(path) and { path }', async (t) => {
  const dir = tmp(t);
  const deniedPath = join(dir, 'denied.sock');
  usePolicy(t, { deny: { 'net.connect': [`unix:${dir}/denied*`] } });
  const denied = await tcpServer(t, deniedPath);
  const allowed = await tcpServer(t, join(dir, 'ok.sock'));
  for (const s of [net.connect(deniedPath), net.connect({ path: deniedPath }), net.createConnection(`${dir}/sub/../denied.sock`)]) {
    t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED', target: `unix:${deniedPath}` });
  }
  const ok = net.connect(join(dir, 'ok.sock'));
  await once(ok, 'connect');
  ok.destroy();
  await tick();
  t.equal(denied.connections, 0);
  t.equal(allowed.connections, 1);
});

t.test('tls.connect is checked on the host it connects to, whatever the servername', async (t) => {
  usePolicy(t, DENY_2);
  const server = await tcpServer(t, '127.0.0.2');
  const s = tls.connect({ host: '127.0.0.2', port: server.port, servername: 'allowed.example' });
  t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED' });
  await tick();
  t.equal(server.connections, 0);
});

t.test('monitor mode: the connection proceeds and the would-be denial is recorded', async (t) => {
  usePolicy(t, { ...DENY_2, mode: 'monitor' });
  const records = recorded(t);
  const server = await tcpServer(t, '127.0.0.2');
  const s = net.connect({ host: 'innocent.example', port: server.port, lookup: answer('127.0.0.2') });
  await once(s, 'connect');
  s.destroy();
  await tick();
  t.equal(server.connections, 1);
  t.match(records, [{ action: 'alert', capability: 'net.connect', api: 'net.Socket.connect', target: `innocent.example:${server.port} (127.0.0.2)` }]);
});

t.test('net.listen: denied listen emits error on the server; allowed is unchanged', async (t) => {
  const dir = tmp(t);
  usePolicy(t, { allow: { 'net.listen': ['127.0.0.1:*', `unix:${dir}/ok.sock`] } });
  for (const args of [[0], [0, '0.0.0.0'], [{ port: 0, host: '::' }], [join(dir, 'no.sock')]] as unknown[][]) {
    const server = net.createServer();
    const listening = t.fail.bind(t, 'must not listen');
    (server.listen as (...a: unknown[]) => unknown)(...args, listening);
    const [err] = await once(server, 'error');
    t.match(err, { code: 'ERR_PALISADE_DENIED', capability: 'net.listen' }, JSON.stringify(args));
    t.equal(server.listening, false);
  }
  const ok = net.createServer().listen(0, '127.0.0.1');
  await once(ok, 'listening');
  ok.close();
  t.throws(() => net.createServer().listen(70000, '127.0.0.1'), { code: 'ERR_SOCKET_BAD_PORT' });
});

t.test('net.listen on a name: the address it resolves to is checked', async (t) => {
  usePolicy(t, { allow: { 'net.listen': ['localhost:*'] }, deny: { 'net.listen': ['127.0.0.1'] } });
  const server = net.createServer().listen(0, 'localhost');
  const [err] = await once(server, 'error');
  t.match(err, { code: 'ERR_PALISADE_DENIED', capability: 'net.listen', target: 'localhost:0 (127.0.0.1)' });
  t.equal(server.listening, false);
});

const BoundSocket = (net as unknown as { BoundSocket?: new (o: object) => object }).BoundSocket;

t.test('Node 24 BoundSocket: an adopted handle connects and listens under the same checks', { skip: BoundSocket === undefined && 'net.BoundSocket is Node >= 24' }, async (t) => {
  const dir = tmp(t);
  usePolicy(t, { allow: { 'net.listen': ['127.0.0.1:*', '127.0.0.2:*', `unix:${dir}/*`] }, deny: { 'net.connect': ['127.0.0.2', `unix:${dir}/denied.sock`] } });
  const server = await tcpServer(t, '127.0.0.2');
  const tcp = new net.Socket({ handle: new BoundSocket!({ host: '127.0.0.1', port: 0 }) } as net.SocketConstructorOpts);
  tcp.connect({ port: server.port, host: '127.0.0.2', path: join(dir, 'ok.sock') } as net.SocketConnectOpts);
  t.match((await once(tcp, 'error'))[0], { code: 'ERR_PALISADE_DENIED', target: `127.0.0.2:${server.port}` }, 'a TCP handle connects by host, whatever path says');
  const unix = await tcpServer(t, join(dir, 'denied.sock'));
  const pipe = new net.Socket({ handle: new BoundSocket!({ path: join(dir, 'client.sock') }) } as net.SocketConstructorOpts);
  pipe.connect({ path: join(dir, 'denied.sock') });
  t.match((await once(pipe, 'error'))[0], { code: 'ERR_PALISADE_DENIED' }, 'a pipe handle connects by path');
  const listener = net.createServer();
  (listener.listen as (h: unknown) => void)(new BoundSocket!({ host: '0.0.0.0', port: 0 }));
  t.match((await once(listener, 'error'))[0], { code: 'ERR_PALISADE_DENIED', capability: 'net.listen' });
  await tick();
  t.equal(server.connections, 0);
  t.equal(unix.connections, 0);
});
