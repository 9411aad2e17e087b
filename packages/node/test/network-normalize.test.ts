import http from 'node:http';
import https from 'node:https';
import t from 'tap';
import {
  canonicalHost,
  destination,
  dnsServerTarget,
  httpRequestTarget,
  isLiteralIP,
  portOf,
  reverseName,
  socketPathOf,
  urlTarget,
} from '../src/normalize/endpoint.js';

t.test('hosts: every numeric IPv4 form, mapped IPv6, case and trailing dot reach one canonical form', async (t) => {
  for (const form of ['127.0.0.2', '2130706434', '0x7f000002', '0x7f.0.0.2', '0177.0.0.2', '127.2', '127.0.2', '::ffff:127.0.0.2', '::ffff:7f00:2', '[::ffff:127.0.0.2]', '127.0.0.2.']) {
    t.equal(canonicalHost(form), '127.0.0.2', form);
  }
  t.equal(canonicalHost('LocalHost.'), 'localhost');
  t.equal(canonicalHost('API.Example.COM'), 'api.example.com');
  t.equal(canonicalHost('[::1]'), '::1');
  t.equal(canonicalHost('2130706434'), canonicalHost('2130706434'), 'cached answer is the same');
});

t.test('connect destinations: the unspecified address is where it goes, the local host', async (t) => {
  t.same(destination('0.0.0.0', 80), { host: '0.0.0.0', port: 80, address: '127.0.0.1' });
  t.same(destination('0', 80), { host: '0.0.0.0', port: 80, address: '127.0.0.1' });
  t.same(destination('::', 80), { host: '::', port: 80, address: '::1' });
  t.same(destination('[::ffff:0.0.0.0]', null), { host: '0.0.0.0', port: null, address: '127.0.0.1' });
  t.same(destination('0.1.2.3', 80), { host: '0.1.2.3', port: 80 });
  t.same(destination('Example.COM.', 443), { host: 'example.com', port: 443 });
});

t.test('hosts: only what Node itself takes as an address skips DNS', async (t) => {
  t.ok(isLiteralIP('127.0.0.2'));
  t.ok(isLiteralIP('::ffff:127.0.0.2'));
  for (const name of ['2130706434', '0x7f.0.0.2', '127.2', 'localhost']) t.notOk(isLiteralIP(name), `${name} goes through lookup`);
});

t.test('ports: exactly the values Node accepts, as Node converts them', async (t) => {
  const ok: Array<[unknown, number]> = [[80, 80], ['80', 80], [' 443 ', 443], ['0x50', 80], ['1e3', 1000], [0, 0], ['0', 0], [65535, 65535]];
  for (const [value, port] of ok) t.equal(portOf(value), port, JSON.stringify(value));
  for (const bad of [-1, 65536, 80.5, '', '  ', 'http', NaN, null, undefined, {}, [80], 80n]) t.equal(portOf(bad), -1, String(bad));
  t.equal(portOf(0, false), -1, 'zero rejected where Node rejects it');
  t.equal(portOf('0', false), 0, "Node's validatePort lets the string '0' through even then");
});

t.test('ports: a patched String.prototype cannot change the reading', async (t) => {
  const trim = String.prototype.trim;
  String.prototype.trim = () => '';
  t.teardown(() => {
    String.prototype.trim = trim;
  });
  t.equal(portOf(' 80 '), 80);
});

t.test('unix socket paths: absolute against the cwd; abstract sockets named @', async (t) => {
  t.equal(socketPathOf('/tmp/x.sock'), '/tmp/x.sock');
  t.equal(socketPathOf('run/../x.sock'), `${process.cwd()}/x.sock`);
  t.equal(socketPathOf('\0abstract'), '@abstract');
});

t.test('reverse lookups query the PTR name of the address', async (t) => {
  t.equal(reverseName('10.1.2.3'), '3.2.1.10.in-addr.arpa');
  t.equal(reverseName('0x0a010203'), '3.2.1.10.in-addr.arpa', 'numeric forms first canonicalized');
  t.equal(reverseName('::1'), `1.${'0.'.repeat(31)}ip6.arpa`);
  t.equal(reverseName('not-an-ip'), undefined);
});

t.test('DNS servers: ip, ip:port, [v6]:port, port 53 by default', async (t) => {
  t.same(dnsServerTarget('127.0.0.2'), { host: '127.0.0.2', port: 53 });
  t.same(dnsServerTarget('127.0.0.2:5353'), { host: '127.0.0.2', port: 5353 });
  t.same(dnsServerTarget('[::1]:5353'), { host: '::1', port: 5353 });
  t.same(dnsServerTarget('::ffff:127.0.0.2'), { host: '127.0.0.2', port: 53 });
  t.equal(dnsServerTarget('dns.example'), undefined, 'Node rejects names');
});

t.test('URLs and origins: host and port, default ports by scheme', async (t) => {
  t.same(urlTarget('http://0x7f000002:8080/x'), { host: '127.0.0.2', port: 8080 });
  t.same(urlTarget('https://Example.com/'), { host: 'example.com', port: 443 });
  t.same(urlTarget('http://[::ffff:7f00:2]/'), { host: '127.0.0.2', port: 80 });
  t.same(urlTarget('wss://a.example'), { host: 'a.example', port: 443 });
  t.equal(urlTarget('data:text/plain,x'), undefined);
  t.equal(urlTarget('not a url'), undefined);
  t.same(urlTarget('http://127.0.0.1:3000'), { host: '127.0.0.1', port: 3000 });
  t.equal(urlTarget('http://127.0.0.1:3000/v1/chat'), urlTarget('http://127.0.0.1:3000/v1/chat'), 'cached');
});

t.test('http request arguments are read as ClientRequest reads them', async (t) => {
  const target = (args: unknown[], secure = false) => httpRequestTarget(args, secure ? https.globalAgent : http.globalAgent, secure)?.target;
  const cb = () => {};
  t.same(target(['http://127.0.0.2:81/p']), { host: '127.0.0.2', port: 81 });
  t.same(target(['http://a.example/p', { hostname: 'B.example', port: 82 }, cb]), { host: 'b.example', port: 82 }, 'options override the URL');
  t.same(target([new URL('http://a.example/'), cb]), { host: 'a.example', port: 80 });
  t.same(target([{ host: 'h.example', hostname: '2130706434' }]), { host: '127.0.0.2', port: 80 }, 'hostname wins over host');
  t.same(target([{ host: 'h.example' }], true), { host: 'h.example', port: 443 }, 'https default port from its agent');
  t.same(target(['https://s.example/'], true), { host: 's.example', port: 443 });
  t.same(target([{ host: 'x', port: 5, agent: new http.Agent({}) }]), { host: 'x', port: 5 });
  t.same(target([{ socketPath: 'srv.sock', host: 'ignored' }]), { host: 'localhost', port: null, socketPath: `${process.cwd()}/srv.sock` });
  t.same(target([]), { host: 'localhost', port: 80 });
  const polluted = Object.create({ hostname: 'proto.example' }) as object;
  t.same(target([polluted]), { host: 'localhost', port: 80 }, 'inherited options are not read (Node copies own properties)');
  for (const bad of [['http://[bad'], [{ agent: 5 }], [{ port: 'x' }], [{ host: 5 }]]) t.equal(target(bad), undefined, `Node throws for ${JSON.stringify(bad)}`);
  const parsed = httpRequestTarget(['http://a.example/', { method: 'POST' }, cb], http.globalAgent, false);
  t.equal(parsed?.callback, cb);
  t.equal(parsed?.options.method, 'POST');
});
