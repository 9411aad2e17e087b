import t from 'tap';
import { NET_POLICY, assertDenied, assertReached, attemptNet, target } from '../helpers/network-bypass.js';

// Other spellings of the denied address 127.0.0.2. Node passes names it does
// not take as an IP to getaddrinfo, which accepts inet_aton's forms.
const TECHNIQUES: Record<string, string> = {
  'decimal IPv4 (2130706434)': `import net from 'node:net';\nawait settle('decimal', net.connect(PORT, '2130706434'));`,
  'hexadecimal IPv4 (0x7f000002, 0x7f.0.0.2)': `import net from 'node:net';\nawait settle('hex', net.connect(PORT, '0x7f000002'));\nawait settle('hex dotted', net.connect({ port: PORT, host: '0x7f.0.0.2' }));`,
  'octal IPv4 (0177.0.0.02)': `import net from 'node:net';\nawait settle('octal', net.connect(PORT, '0177.0.0.02'));`,
  'short IPv4 (127.2)': `import net from 'node:net';\nawait settle('short', net.connect(PORT, '127.2'));`,
  'IPv4-mapped IPv6 (::ffff:127.0.0.2, ::ffff:7f00:2)': `import net from 'node:net';\nawait settle('mapped dotted', net.connect(PORT, '::ffff:127.0.0.2'));\nawait settle('mapped hex', net.connect(PORT, '::ffff:7f00:2'));`,
  'IPv4-mapped IPv6 in a URL (fetch http://[::ffff:7f00:2]/)': `await attempt('fetch mapped', () => fetch('http://[::ffff:7f00:2]:' + PORT + '/'));`,
};
const count = (script: string) => script.split(/settle\(|attempt\(/).length - 1;

for (const [name, script] of Object.entries(TECHNIQUES)) {
  t.test(name, async (t) => {
    const server = await target(t, '127.0.0.2', name.includes('fetch') ? 'http' : 'tcp');
    const r = await attemptNet(t, { script, port: server.port });
    assertDenied(t, r, count(script));
    t.equal(server.connections, 0, 'the denied address saw no connection');
  });
}

// Linux sends a connect to the unspecified address to the local host.
const UNSPECIFIED = `import net from 'node:net';\nawait settle('0.0.0.0', net.connect(PORT, '0.0.0.0'));\nawait settle('0', net.connect(PORT, '0'));\nawait settle('::ffff:0.0.0.0', net.connect(PORT, '::ffff:0.0.0.0'));`;

t.test('the unspecified address (0.0.0.0, 0, ::ffff:0.0.0.0) to reach a denied loopback service', async (t) => {
  const server = await target(t, '127.0.0.1');
  const r = await attemptNet(t, { policy: { ...NET_POLICY, deny: { 'net.connect': ['127.0.0.1'] } }, script: UNSPECIFIED, port: server.port });
  assertDenied(t, r, 3);
  t.equal(server.connections, 0, '127.0.0.1 saw no connection');
});

t.test('control: without Palisade every form above reaches 127.0.0.2', async (t) => {
  const tcp = await target(t, '127.0.0.2', 'http');
  const scripts = Object.values(TECHNIQUES);
  const script = `import net from 'node:net';\n${scripts.map((s) => s.replace("import net from 'node:net';\n", '')).join('\n')}`;
  const r = await attemptNet(t, { script, port: tcp.port, preload: 'none' });
  assertReached(t, r, scripts.reduce((n, s) => n + count(s), 0));
  t.ok(tcp.connections >= 7, `the server saw them (${tcp.connections})`);
  const local = await target(t, '127.0.0.1');
  assertReached(t, await attemptNet(t, { script: UNSPECIFIED, port: local.port, preload: 'none' }), 3);
  t.equal(local.connections, 3, 'the unspecified address reached 127.0.0.1');
});
