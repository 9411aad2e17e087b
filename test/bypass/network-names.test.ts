import t from 'tap';
import { NET_POLICY, assertDenied, assertReached, attemptNet, target } from '../helpers/network-bypass.js';

// The app controls name resolution: a `lookup` option can answer anything.
const LOOKUP = `const answer = (ip) => (h, o, cb) => o && o.all ? cb(null, [{ address: ip, family: 4 }]) : cb(null, ip, 4);`;

interface Technique {
  readonly policy: unknown;
  readonly host: string; // where the target listens
  readonly script: string;
  readonly attempts: number;
}

const DENY_LOCALHOST = { ...NET_POLICY, deny: { 'net.connect': ['localhost'] } };
const DENY_ADDRESS_ONLY = { ...NET_POLICY, deny: { 'net.connect': ['127.0.0.1/32'] } };

const TECHNIQUES: Record<string, Technique> = {
  // glibc resolves "localhost." like "localhost"; the stub lookup does the same where the system resolver does not.
  'trailing dot and case (LOCALHOST.)': {
    policy: DENY_LOCALHOST,
    host: '127.0.0.1',
    script: `import net from 'node:net';\nimport dns from 'node:dns';\nawait settle('trailing dot', net.connect({ port: PORT, host: 'LOCALHOST.', lookup: (h, o, cb) => dns.lookup(h.replace(/\\.$/, ''), o, cb) }));`,
    attempts: 1,
  },
  'a name the system resolver maps to a denied address (localhost → 127.0.0.1)': {
    policy: DENY_ADDRESS_ONLY,
    host: '127.0.0.1',
    script: `import net from 'node:net';\nawait settle('resolver', net.connect(PORT, 'localhost'));\nawait attempt('fetch', () => fetch('http://localhost:' + PORT + '/'));`,
    attempts: 2,
  },
  'a lookup option answering a denied address for an innocent name': {
    policy: NET_POLICY,
    host: '127.0.0.2',
    script: `import net from 'node:net';\n${LOOKUP}\nawait settle('lookup v4', net.connect({ port: PORT, host: 'innocent.example', lookup: answer('127.0.0.2') }));\nawait settle('lookup mapped', net.connect({ port: PORT, host: 'innocent.example', lookup: answer('::ffff:127.0.0.2'), family: 6, autoSelectFamily: false }));`,
    attempts: 2,
  },
  'DNS rebinding: the first answer allowed, the next one denied': {
    policy: NET_POLICY,
    host: '127.0.0.2',
    script: `import net from 'node:net';\nlet n = 0;\nconst rebinding = (h, o, cb) => { const ip = n++ === 0 ? '127.0.0.1' : '127.0.0.2'; o.all ? cb(null, [{ address: ip, family: 4 }]) : cb(null, ip, 4); };\nconst first = net.connect({ port: PORT, host: 'rebind.example', lookup: rebinding });\nfirst.on('error', () => {});\nawait new Promise((r) => first.on('close', r));\nawait settle('second answer', net.connect({ port: PORT, host: 'rebind.example', lookup: rebinding }));`,
    attempts: 1,
  },
  'a host polluted onto Object.prototype': {
    policy: NET_POLICY,
    host: '127.0.0.2',
    script: `import net from 'node:net';\nObject.prototype.host = '127.0.0.2';\nawait settle('prototype', net.connect({ port: PORT }));`,
    attempts: 1,
  },
  'a getter showing one host to the check and another to Node': {
    policy: NET_POLICY,
    host: '127.0.0.2',
    // Allowed on the first read (a checker's), denied on the next (Node's): only a snapshot of what was checked stops it.
    script: `import net from 'node:net';\nlet n = 0;\nconst opts = { port: PORT, get host() { return n++ < 1 ? '127.0.0.1' : '127.0.0.2'; } };\nconst s = new net.Socket();\ns.connect(opts);\nawait settle('getter', s);`,
    attempts: 1,
  },
};

for (const [name, tech] of Object.entries(TECHNIQUES)) {
  t.test(name, async (t) => {
    const server = await target(t, tech.host, 'http');
    const r = await attemptNet(t, { policy: tech.policy, script: tech.script, port: server.port });
    if (name.startsWith('a getter')) {
      // The check and Node see the same value, the allowed one: 127.0.0.2 is never reached.
      t.equal(r.code, 0, r.stderr);
      t.equal(r.json.length, 1);
    } else {
      assertDenied(t, r, tech.attempts);
    }
    t.equal(server.connections, 0, `${tech.host} saw no connection`);
  });
}

t.test('control: without Palisade the names above reach their targets', async (t) => {
  for (const [name, tech] of Object.entries(TECHNIQUES)) {
    if (name.startsWith('a getter')) continue;
    const server = await target(t, tech.host, 'http');
    const r = await attemptNet(t, { policy: tech.policy, script: tech.script, port: server.port, preload: 'none' });
    assertReached(t, r, tech.attempts);
    t.ok(server.connections > 0, `${name}: reached`);
  }
});
