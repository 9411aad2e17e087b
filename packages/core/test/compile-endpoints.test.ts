import t from 'tap';
import type { EndpointTarget } from '../src/index.js';
import { viewOf } from './helpers/index.js';

const ep = (host: string, port: number | null = 443, address?: string): EndpointTarget => ({ host, port, address });
type View = ReturnType<typeof viewOf>;
const conn = (v: View, host: string, port: number | null = 443, address?: string) => v.checkEndpoint('net.connect', ep(host, port, address));

t.test('host names: exact, case-insensitive, trailing dot ignored', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['api.openai.com:443', 'API.Example.COM.:80'] } });
  t.equal(conn(v, 'api.openai.com').rule, 'allow.net.connect[0]');
  t.equal(conn(v, 'API.OPENAI.COM.').rule, 'allow.net.connect[0]');
  t.equal(conn(v, 'api.example.com', 80).rule, 'allow.net.connect[1]');
  t.equal(conn(v, 'api.openai.com', 80).action, 'deny', 'other port');
  t.equal(conn(v, 'openai.com').action, 'deny');
  t.equal(conn(v, 'x.api.openai.com').action, 'deny');
  t.equal(conn(v, 'api.openai.com.evil.com').action, 'deny');
});

t.test('*.suffix matches subdomains at any depth, not the bare domain or look-alikes', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['*.example.com:443'] } });
  for (const h of ['a.example.com', 'a.b.c.example.com', 'A.EXAMPLE.COM.']) t.equal(conn(v, h).action, 'allow', h);
  for (const h of ['example.com', 'badexample.com', 'example.com.evil.org', 'a.example.co']) t.equal(conn(v, h).action, 'deny', h);
});

t.test('a * inside a label stays within that label', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['api-*.x.com:443', 'cdn*:443'] } });
  for (const h of ['api-1.x.com', 'api-.x.com', 'api-eu-west.x.com']) t.equal(conn(v, h).action, 'allow', h);
  for (const h of ['api-1.y.x.com', 'api.x.com', 'xapi-1.x.com', 'cdn.evil.com']) t.equal(conn(v, h).action, 'deny', h);
  t.equal(conn(v, 'cdn7').action, 'allow');
  t.equal(conn(v, '10.0.0.1').action, 'deny', 'name globs never match addresses');
});

t.test('ports: a number, *, an inclusive range, or none for any', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['a.com:443', 'b.com:*', 'c.com:8000-8100', 'd.com', '*:9999'] } });
  t.equal(conn(v, 'a.com', 443).action, 'allow');
  t.equal(conn(v, 'a.com', 444).action, 'deny');
  t.equal(conn(v, 'b.com', 1).action, 'allow');
  t.equal(conn(v, 'c.com', 8000).action, 'allow');
  t.equal(conn(v, 'c.com', 8100).action, 'allow');
  t.equal(conn(v, 'c.com', 7999).action, 'deny');
  t.equal(conn(v, 'c.com', 8101).action, 'deny');
  t.equal(conn(v, 'd.com', 65535).action, 'allow');
  t.equal(conn(v, 'anything.org', 9999).rule, 'allow.net.connect[4]');
  t.equal(conn(v, 'anything.org', 9998).action, 'deny');
});

t.test('DNS lookups (port null) need only the host to match', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['api.openai.com:443'] }, deny: { 'net.connect': ['evil.com:443'] } });
  t.equal(conn(v, 'api.openai.com', null).action, 'allow');
  t.equal(conn(v, 'evil.com', null).rule, 'deny.net.connect[0]');
  t.equal(conn(v, 'other.com', null).action, 'deny');
  t.equal(conn(v, 'api.openai.com', null).target, 'api.openai.com');
});

t.test('IP addresses: IPv4, IPv6 in brackets or bare, CIDRs', async (t) => {
  const v = viewOf({ deny: { 'net.connect': ['10.1.2.3:22', '[::1]:443', 'fe80::1234', '192.168.0.0/16', '[2001:db8::/32]:80', '172.16.0.0/12:*'] } });
  t.equal(conn(v, '10.1.2.3', 22).rule, 'deny.net.connect[0]');
  t.equal(conn(v, '10.1.2.3', 23).rule, 'default');
  t.equal(conn(v, '::1', 443).rule, 'deny.net.connect[1]');
  t.equal(conn(v, '[::1]', 443).rule, 'deny.net.connect[1]');
  t.equal(conn(v, '0:0:0:0:0:0:0:1', 443).rule, 'deny.net.connect[1]');
  t.equal(conn(v, 'fe80::1234', 1).rule, 'deny.net.connect[2]', 'bare IPv6: any port');
  t.equal(conn(v, 'FE80:0::1234', 1).rule, 'deny.net.connect[2]');
  t.equal(conn(v, '192.168.44.1', 5).rule, 'deny.net.connect[3]');
  t.equal(conn(v, '2001:db8:ffff::1', 80).rule, 'deny.net.connect[4]');
  t.equal(conn(v, '2001:db8:ffff::1', 81).rule, 'default');
  t.equal(conn(v, '172.31.255.255', 1).rule, 'deny.net.connect[5]');
  t.equal(conn(v, '172.32.0.0', 1).rule, 'default');
});

t.test('the named sets', async (t) => {
  const cases: Record<string, { in: string[]; out: string[] }> = {
    '@metadata': {
      in: ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200', 'metadata.google.internal', 'metadata.goog', 'metadata', 'METADATA.google.internal.'],
      out: ['169.254.169.253', '8.8.8.8', 'google.internal'],
    },
    '@private': {
      in: ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.1.1', '192.168.1.1', '100.64.0.1', '100.127.255.254', 'fc00::1', 'fdff::1'],
      out: ['11.0.0.1', '172.15.0.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', 'fe00::1', '8.8.8.8'],
    },
    '@loopback': {
      in: ['127.0.0.1', '127.255.0.9', '::1', '0.0.0.0', '0.1.2.3', '::', 'localhost', 'LOCALHOST.'],
      out: ['128.0.0.1', '::2', 'localhost.example.com', '1.0.0.0'],
    },
    '@link-local': { in: ['169.254.0.1', '169.254.169.254', 'fe80::1', 'febf::1'], out: ['169.255.0.1', 'fec0::1'] },
  };
  for (const [set, { in: inside, out }] of Object.entries(cases)) {
    const v = viewOf({ deny: { 'net.connect': [set] } });
    for (const h of inside) t.equal(conn(v, h, 80).action, 'deny', `${h} in ${set}`);
    for (const h of out) t.equal(conn(v, h, 80).action, 'allow', `${h} not in ${set}`);
  }
  const withPort = viewOf({ deny: { 'net.connect': ['@loopback:6379'] } });
  t.equal(conn(withPort, '127.0.0.1', 6379).action, 'deny');
  t.equal(conn(withPort, '127.0.0.1', 80).action, 'allow');
});

t.test('address rules also match the address a name resolved to (DNS rebinding)', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['*.example.com:443'] }, deny: { 'net.connect': ['@metadata', '@private'] } });
  t.equal(conn(v, 'rebind.example.com', 443, '169.254.169.254').rule, 'deny.net.connect[0]');
  t.equal(conn(v, 'rebind.example.com', 443, '::ffff:10.0.0.7').rule, 'deny.net.connect[1]', 'mapped addresses are unwrapped');
  t.equal(conn(v, 'rebind.example.com', 443, '93.184.216.34').rule, 'allow.net.connect[0]');
  t.equal(conn(v, 'rebind.example.com', 443, '169.254.169.254').target, 'rebind.example.com:443 (169.254.169.254)');
  // An allow by address needs the address; a name is not assumed to be one.
  const byAddr = viewOf({ allow: { 'net.connect': ['10.0.0.0/8:443'] } });
  t.equal(conn(byAddr, 'db.internal', 443, '10.1.1.1').action, 'allow');
  t.equal(conn(byAddr, 'db.internal', 443).action, 'deny');
});

t.test('unix sockets are matched by path globs', async (t) => {
  const v = viewOf({ allow: { 'net.connect': ['/run/*.sock', 'unix:/var/run/docker.sock', '${tmp}/app-*/s'] } });
  const unix = (socketPath: string) => v.checkEndpoint('net.connect', { host: '', port: null, socketPath });
  t.equal(unix('/run/app.sock').rule, 'allow.net.connect[0]');
  t.equal(unix('/var/run/docker.sock').rule, 'allow.net.connect[1]');
  t.equal(unix('/tmp/app-1/s').rule, 'allow.net.connect[2]');
  t.equal(unix('/run/sub/app.sock').action, 'deny');
  t.equal(unix('/run/app.sock').target, 'unix:/run/app.sock');
  t.equal(conn(v, 'localhost', 80).action, 'deny', 'socket rules do not match hosts');
  const hosts = viewOf({ allow: { 'net.connect': ['*:*'] } });
  t.equal(hosts.checkEndpoint('net.connect', { host: 'localhost', port: null, socketPath: '/run/x.sock' }).action, 'deny', 'host rules do not match sockets');
});

t.test('net.listen has its own rules', async (t) => {
  const v = viewOf({ allow: { 'net.listen': ['127.0.0.1:*', '[::1]:3000-3999'] } });
  t.equal(v.checkEndpoint('net.listen', ep('127.0.0.1', 8080)).rule, 'allow.net.listen[0]');
  t.equal(v.checkEndpoint('net.listen', ep('0.0.0.0', 8080)).action, 'deny');
  t.equal(v.checkEndpoint('net.listen', ep('::1', 3500)).rule, 'allow.net.listen[1]');
  t.equal(v.checkEndpoint('net.connect', ep('8.8.8.8', 53)).rule, 'default');
});

t.test('the earliest matching entry decides across names, globs and addresses', async (t) => {
  const v = viewOf({ deny: { 'net.connect': ['*:22', 'a.com:22', '10.0.0.0/8', '10.0.0.1'] } });
  t.equal(conn(v, 'a.com', 22).rule, 'deny.net.connect[0]');
  t.equal(conn(v, '10.0.0.1', 80).rule, 'deny.net.connect[2]');
  const w = viewOf({ deny: { 'net.connect': ['a.com:22', '*:22'] } });
  t.equal(conn(w, 'a.com', 22).rule, 'deny.net.connect[0]');
  t.equal(conn(w, 'b.com', 22).rule, 'deny.net.connect[1]');
  const x = viewOf({ deny: { 'net.connect': ['a.com:80', 'a.com:22'] } });
  t.equal(conn(x, 'a.com', 22).rule, 'deny.net.connect[1]');
});

t.test('@loopback in net.listen does not admit listening on every interface', async (t) => {
  const view = viewOf({ version: 1, allow: { 'net.listen': ['@loopback'], 'net.connect': ['@loopback'] } });
  t.equal(view.checkEndpoint('net.listen', { host: '127.0.0.1', port: 3000 }).action, 'allow');
  t.equal(view.checkEndpoint('net.listen', { host: '::1', port: 3000 }).action, 'allow');
  t.equal(view.checkEndpoint('net.listen', { host: '0.0.0.0', port: 3000 }).action, 'deny');
  t.equal(view.checkEndpoint('net.listen', { host: '::', port: 3000 }).action, 'deny');
  t.equal(view.checkEndpoint('net.connect', { host: '0.0.0.0', port: 3000 }).action, 'allow', 'a connect to 0.0.0.0 reaches loopback');
});
