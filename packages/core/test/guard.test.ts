import fc from 'fast-check';
import t from 'tap';
import {
  CAPABILITIES,
  type Capability,
  type DecisionRecord,
  Guard,
  type PolicyView,
  type Verdict,
  check,
  compilePolicy,
  enforce,
  on,
  tool,
  validatePolicy,
} from '../src/index.js';
import { TRUSTED, VALUES, fresh, guardOf, thrown, viewOf } from './helpers/index.js';

const pick = (v: Verdict) => ({ action: v.action, rule: v.rule, reason: v.reason });

t.test('deny wins over allow', async (t) => {
  const v = viewOf({ allow: { 'fs.read': ['/srv/**'] }, deny: { 'fs.read': ['/srv/app/.env'] } });
  t.same(pick(v.check('fs.read', '/srv/app/.env')), { action: 'deny', rule: 'deny.fs.read[0]', reason: 'matches deny entry "/srv/app/.env"' });
  t.same(pick(v.check('fs.read', '/srv/app/x')), { action: 'allow', rule: 'allow.fs.read[0]', reason: 'matches allow entry "/srv/**"' });
  const whole = viewOf({ allow: { 'tool.call': true }, deny: { 'tool.call': ['shell'] } });
  t.equal(whole.check('tool.call', 'shell').rule, 'deny.tool.call[0]', 'over allow: true as well');
});

t.test('a capability absent from allow is allowed, with rule default', async (t) => {
  const v = viewOf({ allow: { 'fs.read': ['/srv/**'] } });
  for (const cap of CAPABILITIES) {
    if (cap === 'fs.read') continue;
    const verdict = cap === 'process.spawn' ? v.checkCommand({ executable: '/bin/x', args: [] }) : cap.startsWith('net.') ? v.checkEndpoint(cap as 'net.connect', { host: 'x', port: 1 }) : v.check(cap, 'x');
    t.same(pick(verdict), { action: 'allow', rule: 'default', reason: `${cap} is not restricted by the policy` }, cap);
  }
});

t.test('a capability listed in allow allows only what matches', async (t) => {
  const v = viewOf({ allow: { 'fs.read': ['/srv/**'] } });
  t.same(pick(v.check('fs.read', '/etc/passwd')), { action: 'deny', rule: 'allow.fs.read', reason: 'not in the allow list for fs.read' });
  const empty = viewOf({ allow: { 'tool.call': [] } });
  t.same(pick(empty.check('tool.call', 'x')), { action: 'deny', rule: 'allow.tool.call', reason: 'not in the allow list for tool.call' }, 'an empty list allows nothing');
});

t.test('true and false in allow and deny', async (t) => {
  const v = viewOf({ allow: { 'code.eval': false, 'code.worker': true }, deny: { 'code.native': true, 'llm.model': false } });
  t.same(pick(v.check('code.eval', 'eval')), { action: 'deny', rule: 'allow.code.eval', reason: 'code.eval is not allowed' });
  t.same(pick(v.check('code.worker', '/x.js')), { action: 'allow', rule: 'allow.code.worker', reason: 'code.worker is allowed' });
  t.same(pick(v.check('code.native', 'binding:fs')), { action: 'deny', rule: 'deny.code.native', reason: 'code.native is denied' });
  t.same(pick(v.check('llm.model', 'gpt-4o')), { action: 'allow', rule: 'default', reason: 'llm.model is not restricted by the policy' }, 'deny: false denies nothing');
});

t.test('flows, scopes and spawn.env name their rule', async (t) => {
  const g = guardOf({
    allow: { 'net.connect': ['api.openai.com:443'] },
    flows: [
      { when: ['untrusted'], deny: ['process.spawn', 'fs.write'] },
      { name: 'trifecta', when: ['untrusted', 'sensitive'], deny: { 'net.connect': ['*:*'] } },
      { name: 'named', when: ['x'], deny: ['tool.call'] },
    ],
    scopes: [
      { match: { tool: 'a' }, deny: { 'fs.read': ['/srv/**'] } },
      { name: 'fetcher', match: { tool: 'web_fetch' }, allow: { 'net.connect': ['*:443'] } },
    ],
  });
  const flowed = g.view([], [0, 1, 2]);
  t.same(pick(flowed.checkCommand({ executable: '/usr/bin/git', args: [] })), { action: 'deny', rule: 'flows[0]', reason: 'flows[0]: the scope is labelled untrusted' });
  t.same(pick(flowed.check('fs.write', '/tmp/x')), { action: 'deny', rule: 'flows[0]', reason: 'flows[0]: the scope is labelled untrusted' });
  t.same(pick(flowed.checkEndpoint('net.connect', { host: 'api.openai.com', port: 443 })), {
    action: 'deny',
    rule: 'flows[1].deny.net.connect[0]',
    reason: 'matches deny entry "*:*"',
  });
  t.same(pick(flowed.check('tool.call', 't')), { action: 'deny', rule: 'flows[2]', reason: 'flow "named": the scope is labelled x' });
  const scoped = g.view([0, 1], []);
  t.same(pick(scoped.check('fs.read', '/srv/a')), { action: 'deny', rule: 'scopes[0].deny.fs.read[0]', reason: 'matches deny entry "/srv/**"' });
  t.same(pick(scoped.checkEndpoint('net.connect', { host: 'example.org', port: 443 })), {
    action: 'allow',
    rule: 'scopes[1].allow.net.connect[0]',
    reason: 'matches allow entry "*:443"',
  });
  t.same(pick(scoped.checkEndpoint('net.connect', { host: 'api.openai.com', port: 443 })).rule, 'allow.net.connect[0]', 'the base allow still applies');
  t.equal(g.base.checkEndpoint('net.connect', { host: 'example.org', port: 443 }).rule, 'allow.net.connect');
  t.equal(g.view([], []), g.base, 'no overlay, no flow: the base view');
  t.equal(g.view([1], [0]), g.view([1], [0]), 'views are cached per combination');
});

t.test('monitor and learn turn would-be denies into alerts, with the same rule', async (t) => {
  for (const mode of ['monitor', 'learn'] as const) {
    const v = viewOf({ mode, allow: { 'fs.read': ['/srv/**'] }, deny: { 'tool.call': ['shell'] } });
    t.same(pick(v.check('fs.read', '/etc/x')), { action: 'alert', rule: 'allow.fs.read', reason: 'not in the allow list for fs.read' }, mode);
    t.same(pick(v.check('tool.call', 'shell')), { action: 'alert', rule: 'deny.tool.call[0]', reason: 'matches deny entry "shell"' }, mode);
    t.equal(v.check('fs.read', '/srv/x').action, 'allow');
    t.equal(v.check('fs.read', '/srv/x').mode, mode);
  }
  t.equal(viewOf({}).check('fs.read', '/x').mode, 'enforce', 'enforce is the default mode');
});

t.test('verdicts are frozen', async (t) => {
  const v = viewOf({ deny: { 'fs.read': true } }).check('fs.read', '/x');
  t.ok(Object.isFrozen(v));
});

t.test('learn mode records each distinct allowed operation once', async (t) => {
  fresh(t, { mode: 'learn', deny: { 'tool.call': ['shell'] } });
  const records: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => records.push(r)));
  for (let i = 0; i < 3; i++) {
    enforce('tool.call', 'search');
    enforce('fs.read', '/srv/app/a');
    enforce('tool.call', 'shell');
  }
  enforce('tool.call', 'other');
  const learned = records.filter((r) => r.learned);
  t.same(
    learned.map((r) => [r.capability, r.target, r.action, r.rule]),
    [
      ['tool.call', 'search', 'allow', 'default'],
      ['fs.read', '/srv/app/a', 'allow', 'default'],
      ['tool.call', 'other', 'allow', 'default'],
    ],
  );
  t.equal(records.filter((r) => r.action === 'alert').length, 3, 'alerts are recorded every time');
  t.equal(records.filter((r) => r.action === 'alert' && r.learned).length, 0);
});

t.test('check() refuses an unknown capability', async (t) => {
  fresh(t, {});
  t.throws(() => check({ capability: 'fs.raed' as 'fs.read', target: '/x' }), TypeError);
});

t.test('enforce mode records no allowed operations', async (t) => {
  fresh(t, { deny: { 'tool.call': ['shell'] } });
  const records: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => records.push(r)));
  enforce('tool.call', 'search');
  tool('search', () => 1)();
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
  t.same(records.map((r) => [r.action, r.target]), [['deny', 'shell']]);
});

t.test('the cache returns the same verdict object for the same target', async (t) => {
  const v = viewOf({ allow: { 'fs.read': ['/srv/**'] }, deny: { 'net.connect': ['@private'] } });
  t.equal(v.check('fs.read', '/srv/a'), v.check('fs.read', '/srv/a'));
  t.equal(v.check('fs.read', '/etc/a'), v.check('fs.read', '/etc/a'));
  t.not(v.check('fs.read', '/srv/a'), v.check('fs.read', '/srv/b'));
  const e = { host: '10.0.0.1', port: 80 };
  t.equal(v.checkEndpoint('net.connect', e), v.checkEndpoint('net.connect', { ...e }));
  t.not(v.checkEndpoint('net.connect', e), v.checkEndpoint('net.connect', { ...e, port: 81 }));
  t.not(v.checkEndpoint('net.connect', { host: 'x.com', port: 80 }), v.checkEndpoint('net.connect', { host: 'x.com', port: 80, address: '10.0.0.1' }), 'the address is part of the key');
  const c = { executable: '/usr/bin/git', args: ['a', 'b'] };
  t.equal(v.checkCommand(c), v.checkCommand({ ...c, args: ['a', 'b'] }));
  t.not(v.checkCommand(c), v.checkCommand({ ...c, args: ['a b'] }), 'argument boundaries are part of the key');
});

t.test('regression: cache keys cannot be forged by one operation to answer for another', async (t) => {
  const v = viewOf({ deny: { 'process.spawn': ['rm ** -rf **'], 'net.connect': ['10.0.0.1:443'] } });
  // An allowed spawn whose arguments spell out the key of a spawn that smuggles NODE_OPTIONS.
  t.equal(v.checkCommand({ executable: '/usr/bin/node', args: ['x', '', 'env:NODE_OPTIONS'] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/node', args: ['x'], env: ['NODE_OPTIONS'] }).rule, 'spawn.env');
  t.equal(v.checkCommand({ executable: '/usr/bin/node', args: ['NODE_OPTIONS'], env: [] }).action, 'allow');
  t.equal(v.checkCommand({ executable: 'NODE_OPTIONS', args: ['/usr/bin/node'] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/node', args: [], env: ['NODE_OPTIONS'] }).rule, 'spawn.env');
  t.equal(v.checkCommand({ executable: '/usr/bin/node', args: [], env: ['A', 'B'] }).rule, 'spawn.env');
  // An argument holding NUL (refused by Node, but checked first) must not answer for the split arguments.
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['x\x00-rf'] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['x', '-rf'] }).action, 'deny');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm\x00x', args: ['-rf'] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['x\x00-rf'] }).action, 'allow', 'and is itself cached');
  // Endpoints: a socket path or a host holding NUL must not answer for a host and port.
  t.equal(v.checkEndpoint('net.connect', { host: '', port: null, socketPath: '443\x00' }).action, 'allow');
  t.equal(v.checkEndpoint('net.connect', { host: '10.0.0.1\x00443', port: null }).action, 'allow');
  t.equal(v.checkEndpoint('net.connect', { host: '10.0.0.1', port: 443 }).action, 'deny');
  t.equal(v.checkEndpoint('net.connect', { host: 'a', port: 443, address: '\x00x' }).action, 'allow');
});

t.test('the cache is bounded, and stays correct when it turns over', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['/secret/**'] } });
  const cacheOf = (view: PolicyView) => (view as unknown as { rules: Record<Capability, { cache: Map<string, Verdict> }> }).rules['fs.read'].cache;
  let largest = 0;
  let wrong = 0;
  for (let i = 0; i < 20000; i++) {
    if (v.check('fs.read', `/data/${i}`).action !== 'allow') wrong++;
    if (i % 97 === 0 && v.check('fs.read', `/secret/${i}`).action !== 'deny') wrong++;
    largest = Math.max(largest, cacheOf(v).size);
  }
  t.ok(largest <= 8192, `the cache never held more than 8192 verdicts (${largest})`);
  t.ok(largest > 1000, 'it did cache');
  t.equal(wrong, 0, 'every verdict right while the cache turned over');
});

t.test('the host/port and command caches: prefixes, ports and bounds', async (t) => {
  const v = viewOf({ deny: { 'process.spawn': ['/usr/bin/rm -rf'], 'net.connect': ['db.internal:5432'] } });
  // A command that is a prefix of a cached one has no verdict of its own yet, and the reverse.
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf', 'x'] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf'] }).action, 'deny', 'the prefix is decided on its own');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: [] }).action, 'allow');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf'] }).action, 'deny', 'and cached as such');
  t.equal(v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf', 'x'] }).action, 'allow');
  // Port null (a DNS query: only the host has to match) and port 0 are different operations.
  t.equal(v.checkEndpoint('net.connect', { host: 'db.internal', port: 0 }).action, 'allow');
  t.equal(v.checkEndpoint('net.connect', { host: 'db.internal', port: null }).action, 'deny');
  t.equal(v.checkEndpoint('net.connect', { host: 'db.internal', port: 0 }).action, 'allow');
  t.equal(v.checkEndpoint('net.connect', { host: 'db.internal', port: 5432 }).action, 'deny');
  t.equal(v.checkEndpoint('net.connect', { host: 'DB.internal.', port: 5432 }).action, 'deny', 'other spellings are normalized before matching');
  // Bounded: many hosts and commands, every verdict right while the caches turn over.
  const rules = (v as unknown as { rules: Record<Capability, { nested: number }> }).rules;
  let wrong = 0;
  let largest = 0;
  for (let i = 0; i < 20000; i++) {
    if (v.checkEndpoint('net.connect', { host: `h${i}.example`, port: 443 }).action !== 'allow') wrong++;
    if (v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf', String(i)] }).action !== 'allow') wrong++;
    if (i % 101 === 0 && v.checkEndpoint('net.connect', { host: 'db.internal', port: 5432 }).action !== 'deny') wrong++;
    if (i % 103 === 0 && v.checkCommand({ executable: '/usr/bin/rm', args: ['-rf'] }).action !== 'deny') wrong++;
    largest = Math.max(largest, rules['net.connect'].nested, rules['process.spawn'].nested);
  }
  t.ok(largest <= 8192 && largest > 1000, `the caches stayed bounded (largest ${largest})`);
  t.equal(wrong, 0);
});

// A policy of 200 rules over every capability, and operations that hit and miss them.
function bigPolicy() {
  const n = (i: number) => `n${i}`;
  const allow: Record<string, unknown> = {
    'fs.read': Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `/srv/d${i}/**` : i % 3 === 1 ? `/srv/f${i}` : `**/*.e${i}`)),
    'fs.write': Array.from({ length: 15 }, (_, i) => `\${tmp}/w${i}/*`),
    'process.spawn': Array.from({ length: 20 }, (_, i) => (i % 2 ? `c${i} **` : `/opt/bin/c${i} -x *`)),
    'net.connect': Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `h${i}.example.com:443` : i % 3 === 1 ? `*.d${i}.org:*` : `10.${i}.0.0/16:8000-9000`)),
    'net.listen': Array.from({ length: 10 }, (_, i) => `127.0.0.1:${3000 + i}`),
    'llm.model': Array.from({ length: 15 }, (_, i) => (i % 2 ? `${n(i)}-*` : n(i))),
    'tool.call': Array.from({ length: 20 }, (_, i) => (i % 2 ? `t${i}_*` : `t${i}`)),
    'code.native': Array.from({ length: 10 }, (_, i) => `binding:b${i}`),
  };
  const deny: Record<string, unknown> = {
    'fs.read': Array.from({ length: 20 }, (_, i) => `/srv/d${i * 3}/secret${i}/**`),
    'net.connect': ['@metadata', '@private:22', ...Array.from({ length: 8 }, (_, i) => `bad${i}.d${i * 3 + 1}.org`)],
    'tool.call': Array.from({ length: 10 }, (_, i) => `t${i * 2 + 1}_bad`),
    'llm.model': Array.from({ length: 10 }, (_, i) => `n${i * 2 + 1}-x*`),
  };
  const count = [...Object.values(allow), ...Object.values(deny)].reduce((s: number, l) => s + (l as unknown[]).length, 0);
  return { policy: validatePolicy({ version: 1, allow, deny }), count };
}

type Op =
  | { kind: 'str'; cap: Capability; target: string }
  | { kind: 'cmd'; executable: string; args: string[] }
  | { kind: 'ep'; cap: 'net.connect' | 'net.listen'; host: string; port: number | null; address?: string };

const idx = fc.integer({ min: 0, max: 35 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(idx, idx, fc.constantFrom('d', 'f', 'x')).map(([a, b, k]): Op => ({ kind: 'str', cap: 'fs.read', target: k === 'd' ? `/srv/d${a}/secret${b}/k` : k === 'f' ? `/srv/f${a}` : `/home/q/z.e${a}` })),
  fc.tuple(idx, idx).map(([a, b]): Op => ({ kind: 'str', cap: 'fs.write', target: `/tmp/w${a}/${b}` })),
  fc.tuple(idx, fc.array(fc.constantFrom('-x', 'a', 'b c', '--y'), { maxLength: 3 }), fc.boolean()).map(([a, args, abs]): Op => ({ kind: 'cmd', executable: abs ? `/opt/bin/c${a}` : `/usr/bin/c${a}`, args })),
  fc.tuple(idx, fc.constantFrom(22, 443, 8080, null), fc.constantFrom('h', 's', 'ip', 'bad')).map(([a, port, k]): Op => ({
    kind: 'ep',
    cap: 'net.connect',
    host: k === 'h' ? `h${a}.example.com` : k === 's' ? `x.d${a}.org` : k === 'bad' ? `bad${a % 8}.d${(a % 8) * 3 + 1}.org` : `10.${a}.1.2`,
    port,
    ...(a % 5 === 0 ? { address: '169.254.169.254' } : {}),
  })),
  fc.tuple(fc.integer({ min: 2995, max: 3012 })).map(([p]): Op => ({ kind: 'ep', cap: 'net.listen', host: '127.0.0.1', port: p })),
  fc.tuple(idx, fc.string({ maxLength: 3 })).map(([a, s]): Op => ({ kind: 'str', cap: 'llm.model', target: `n${a}-${s}` })),
  fc.tuple(idx, fc.constantFrom('', '_x', '_bad')).map(([a, s]): Op => ({ kind: 'str', cap: 'tool.call', target: `t${a}${s}` })),
  fc.tuple(idx).map(([a]): Op => ({ kind: 'str', cap: 'code.native', target: `binding:b${a}` })),
);

function run(view: PolicyView, o: Op): Verdict {
  if (o.kind === 'str') return view.check(o.cap, o.target);
  if (o.kind === 'cmd') return view.checkCommand({ executable: o.executable, args: o.args });
  return view.checkEndpoint(o.cap, { host: o.host, port: o.port, address: o.address });
}

t.test('property: a 200-rule policy decides the same cached and uncached', async (t) => {
  const { policy, count } = bigPolicy();
  t.equal(count, 200);
  const program = compilePolicy(policy, { values: VALUES, trustedDirs: TRUSTED });
  const warm = new Guard(program).base;
  let denies = 0;
  let allows = 0;
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
      for (const o of ops) {
        const hot = run(warm, o);
        const again = run(warm, o);
        if (again !== hot) throw new Error('the warm view returned a different object');
        const cold = run(new Guard(program).base, o);
        if (JSON.stringify(cold) !== JSON.stringify(hot)) throw new Error(`${JSON.stringify(o)}: cold ${JSON.stringify(cold)} warm ${JSON.stringify(hot)}`);
        if (hot.action === 'deny') denies++;
        else allows++;
      }
    }),
    { numRuns: 300 },
  );
  t.ok(denies > 100 && allows > 100, `both outcomes exercised (${allows} allowed, ${denies} denied)`);
});

t.test('inherited target properties (Object.prototype pollution) are ignored', async (t) => {
  const view = viewOf({ version: 1, allow: { 'net.connect': ['/tmp/*.sock', 'api.example.com:443'] }, spawn: { env: [] } });
  const proto = Object.prototype as Record<string, unknown>;
  try {
    proto.socketPath = '/tmp/ok.sock';
    proto.address = '10.0.0.1';
    t.equal(view.checkEndpoint('net.connect', { host: 'evil.example.org', port: 443 }).action, 'deny', 'an inherited socketPath does not make a TCP connect a socket check');
    proto.env = [];
    t.equal(view.checkCommand({ executable: '/usr/bin/git', args: [], env: ['NODE_OPTIONS'] }).rule, 'spawn.env', 'own env still counts');
  } finally {
    delete proto.socketPath;
    delete proto.address;
    delete proto.env;
  }
});
