import fc from 'fast-check';
import t from 'tap';
import { NAMED_SETS, check, normalizeHost, parseLooseIPv4 } from '../src/index.js';
import { fresh, viewOf } from './helpers/index.js';

t.test('every numeric IPv4 form is canonicalized', async (t) => {
  const forms: Record<string, string> = {
    '127.0.0.1': '127.0.0.1',
    '2130706433': '127.0.0.1',
    '0x7f000001': '127.0.0.1',
    '0X7F000001': '127.0.0.1',
    '017700000001': '127.0.0.1',
    '0177.0.0.1': '127.0.0.1',
    '0177.0000.0.01': '127.0.0.1',
    '0x7f.0.0.1': '127.0.0.1',
    '0x7f.1': '127.0.0.1',
    '127.1': '127.0.0.1',
    '127.0.1': '127.0.0.1',
    '0x7f.0x0.0.0x1': '127.0.0.1',
    '169.254.43518': '169.254.169.254',
    '0xa9fea9fe': '169.254.169.254',
    '2852039166': '169.254.169.254',
    '0': '0.0.0.0',
    '0x': '0.0.0.0',
    '00': '0.0.0.0',
    '127.0.0.1.': '127.0.0.1',
    ' 127.0.0.1 ': '127.0.0.1',
    '4294967295': '255.255.255.255',
  };
  for (const [raw, canonical] of Object.entries(forms)) t.equal(normalizeHost(raw), canonical, raw);
});

t.test('things that are not IPv4 numbers stay names', async (t) => {
  for (const raw of ['4294967296', '1.2.3.256', '1.2.3.4.5', '08.1.1.1', 'cafe.com', 'deadbeef', '1e3', '0x1g', '256.1.1.1', '1..1', '-1']) {
    t.equal(parseLooseIPv4(raw), null, `${raw} is not an IPv4 number`);
    t.equal(normalizeHost(raw), raw, `${raw} stays as it is`);
  }
  t.equal(normalizeHost('cafe.com'), 'cafe.com');
  t.equal(normalizeHost('1.2.3.256'), '1.2.3.256');
  t.equal(parseLooseIPv4('1.2.3.4.5'), null);
  t.equal(parseLooseIPv4('4294967296'), null);
  t.equal(parseLooseIPv4('1.2.65536'), null);
  t.equal(parseLooseIPv4('1.16777216'), null);
  t.equal(parseLooseIPv4('0x100000000'), null);
  t.equal(parseLooseIPv4(''), null);
});

t.test('IPv6: compressed, brackets and zone ids dropped, IPv4-mapped and NAT64 unwrapped', async (t) => {
  const forms: Record<string, string> = {
    '::1': '::1',
    '[::1]': '::1',
    '0:0:0:0:0:0:0:1': '::1',
    '0000:0000:0000:0000:0000:0000:0000:0001': '::1',
    'FE80::1%eth0': 'fe80::1',
    '[fe80::1%25eth0]': 'fe80::1',
    '::ffff:127.0.0.1': '127.0.0.1',
    '::ffff:7f00:1': '127.0.0.1',
    '[::FFFF:7F00:0001]': '127.0.0.1',
    '0:0:0:0:0:ffff:a9fe:a9fe': '169.254.169.254',
    '64:ff9b::7f00:1': '127.0.0.1',
    '64:ff9b::169.254.169.254': '169.254.169.254',
    '2001:DB8::1': '2001:db8::1',
    '::': '::',
  };
  for (const [raw, canonical] of Object.entries(forms)) t.equal(normalizeHost(raw), canonical, raw);
  t.equal(normalizeHost('Example.COM...'), 'example.com', 'case and trailing dots');
  t.equal(normalizeHost('not:an:ip'), 'not:an:ip');
});

t.test('regression: the guard canonicalizes hosts itself, so check() cannot be bypassed with another spelling', async (t) => {
  fresh(t, { deny: { 'net.connect': ['@loopback', '@metadata', 'evil.com'] } });
  for (const host of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', 'LOCALHOST', 'localhost.', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1', '0xa9fea9fe', 'EVIL.COM.', '[::ffff:169.254.169.254]']) {
    const v = check({ capability: 'net.connect', endpoint: { host, port: 80 } });
    t.equal(v.action, 'deny', host);
  }
  t.equal(check({ capability: 'net.connect', endpoint: { host: '2130706433', port: 80 } }).target, '127.0.0.1:80');
});

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const bytes = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const hex = (n: number) => n.toString(16);

/** Spellings of one IPv4 address that the resolver (inet_aton) or an IPv6 stack reaches it by. */
function spellings(n: number, pick: number): string[] {
  const [a, b, c, d] = bytes(n) as [number, number, number, number];
  const octal = (x: number) => `0${x.toString(8)}`;
  const all = [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${hex(n)}`,
    `0X${hex(n).toUpperCase()}`,
    `0${n.toString(8)}`,
    [a, b, c, d].map(octal).join('.'),
    [a, b, c, d].map((x) => `0x${hex(x)}`).join('.'),
    `${a}.${(b << 16) | (c << 8) | d}`,
    `${a}.${b}.${(c << 8) | d}`,
    `0x${hex(a)}.${octal(b)}.${(c << 8) | d}`,
    `${a}.${b}.${c}.${d}.`,
    `::ffff:${a}.${b}.${c}.${d}`,
    `::ffff:${hex((a << 8) | b)}:${hex((c << 8) | d)}`,
    `[::FFFF:${hex((a << 8) | b).toUpperCase()}:${hex((c << 8) | d)}]`,
    `0:0:0:0:0:ffff:${a}.${b}.${c}.${d}`,
    `64:ff9b::${a}.${b}.${c}.${d}`,
    `64:ff9b::${hex((a << 8) | b)}:${hex((c << 8) | d)}`,
  ];
  return pick < 0 ? all : [all[pick % all.length]!];
}

/** A random address inside one of a set's IPv4 ranges. */
const inSet = (set: string) => {
  const ranges = NAMED_SETS[set]!.cidrs.filter(([ip]) => ip.kind() === 'ipv4');
  return fc.tuple(fc.integer({ min: 0, max: ranges.length - 1 }), u32).map(([i, r]) => {
    const [ip, bits] = ranges[i]!;
    const base = ip.toByteArray().reduce((x, y) => x * 256 + y, 0);
    const size = 2 ** (32 - bits);
    return base - (base % size) + (r % size);
  });
};

t.test('property: every numeric form of an address in a denied set is denied', async (t) => {
  for (const set of ['metadata', 'private', 'loopback', 'link-local']) {
    const v = viewOf({ deny: { 'net.connect': [`@${set}`] } });
    fc.assert(
      fc.property(inSet(set), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 65535 }), (n, _pick, port) => {
        for (const host of spellings(n, -1)) {
          const verdict = v.checkEndpoint('net.connect', { host, port });
          if (verdict.action !== 'deny') throw new Error(`${host} (${bytes(n).join('.')}) not denied by @${set}`);
          // The same, as the address a name resolved to.
          if (v.checkEndpoint('net.connect', { host: 'some.name', port, address: host }).action !== 'deny') throw new Error(`address ${host}`);
        }
      }),
      { numRuns: 150 },
    );
  }
  t.pass();
});

t.test('property: every spelling of any address gets the verdict of its canonical form', async (t) => {
  const v = viewOf({
    allow: { 'net.connect': ['8.0.0.0/8:*', '1.2.3.4:443', '*.example.com:443'] },
    deny: { 'net.connect': ['@private', '@loopback', '@metadata', '@link-local'] },
  });
  fc.assert(
    fc.property(u32, fc.integer({ min: 0, max: 1000 }), (n, pick) => {
      const canonical = v.checkEndpoint('net.connect', { host: bytes(n).join('.'), port: 443 });
      for (const host of spellings(n, pick)) {
        const got = v.checkEndpoint('net.connect', { host, port: 443 });
        if (got.action !== canonical.action || got.rule !== canonical.rule) throw new Error(`${host}: ${got.rule} != ${canonical.rule}`);
      }
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('property: IPv6 spellings in a denied range are denied', async (t) => {
  const v = viewOf({ deny: { 'net.connect': ['@private', '@link-local'] } });
  const group = fc.integer({ min: 0, max: 0xffff });
  fc.assert(
    fc.property(fc.constantFrom(0xfc00, 0xfd12, 0xfe80, 0xfebf), fc.array(group, { minLength: 7, maxLength: 7 }), fc.boolean(), (first, rest, upper) => {
      const groups = [first, ...rest];
      const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
      const short = groups.map((g) => g.toString(16)).join(':');
      for (const h of [full, short, `[${short}]`, `${short}%eth0`]) {
        const host = upper ? h.toUpperCase() : h;
        if (v.checkEndpoint('net.connect', { host, port: 1 }).action !== 'deny') throw new Error(host);
      }
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('parseIP and parseCIDR give what ipaddr.js gives (they skip its general parser for dotted quads)', async (t) => {
  const { parseCIDR, parseIP } = await import('../src/compile/host.js');
  const { ipaddr } = await import('../src/cjs-deps.js');
  const reference = (host: string) => (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ? (ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : null) : null);
  const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '007', '010', '255', '256', '999', '0'));
  const quad = fc.tuple(part, part, part, part).map((p) => p.join('.'));
  fc.assert(
    fc.property(quad, (host) => {
      const mine = parseIP(host);
      const theirs = reference(host);
      return (mine === null && theirs === null) || (mine !== null && theirs !== null && mine.toString() === theirs.toString() && mine.kind() === theirs.kind());
    }),
    { numRuns: 4000 },
  );
  const bits = fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('', '032', '08', '-1', '1.5', 'x'));
  const cidr = fc.oneof(
    fc.tuple(quad, bits).map(([q, b]) => `${q}/${b}`),
    fc.constantFrom('fd00:ec2::254/128', 'fc00::/7', '::1/128', '127.1/8', '0x7f.0.0.1/8', '10.0.0.0', '/8', '10.0.0.0/8/8'),
  );
  const outcome = (f: () => [{ toString(): string; kind(): string }, number]) => {
    try {
      const [ip, n] = f();
      return `${ip.kind()} ${ip.toString()}/${n}`;
    } catch {
      return 'error';
    }
  };
  fc.assert(fc.property(cidr, (text) => outcome(() => parseCIDR(text)) === outcome(() => ipaddr.parseCIDR(text))), { numRuns: 4000 });
  t.pass('same addresses, ranges and refusals for 8,000 generated inputs');
});

t.test('the named sets: every constant range built as ipaddr.js parses it', async (t) => {
  const { ipaddr } = await import('../src/cjs-deps.js');
  const { namedSet } = await import('../src/compile/ip-sets.js');
  const sets = [...Object.values(NAMED_SETS), namedSet('loopback', 'net.listen')!];
  let n = 0;
  for (const set of sets) {
    t.equal(set.cidrs.length, set.ranges.length);
    set.ranges.forEach((text, i) => {
      const [mine, bits] = set.cidrs[i]!;
      const [theirs, theirBits] = ipaddr.parseCIDR(text);
      t.same([mine.kind(), mine.toByteArray(), bits], [theirs.kind(), theirs.toByteArray(), theirBits], text);
      n++;
    });
  }
  t.ok(n >= 15, `${n} ranges checked`);
});
