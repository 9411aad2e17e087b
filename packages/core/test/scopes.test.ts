import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { type CheckInput, check, enforce, label, labels, run, scope, tool } from '../src/index.js';
import { fresh, thrown } from './helpers/index.js';

const spawnGit: CheckInput = { capability: 'process.spawn', command: { executable: '/usr/bin/git', args: [] } };
const connect = (host: string): CheckInput => ({ capability: 'net.connect', endpoint: { host, port: 443 } });

t.test('run() returns what fn returns, sync or async, and gives it a scope', async (t) => {
  fresh(t, {});
  t.equal(run({ agent: 'a' }, () => 42), 42);
  t.equal(await run({ agent: 'a' }, async () => 43), 43);
  t.equal(scope(), undefined, 'no scope outside');
  t.same(labels(), []);
  const snap = run({ agent: 'bot', user: 7, admin: false, skipped: undefined }, () => scope());
  t.equal(snap?.kind, 'run');
  t.same(snap?.attributes, { agent: 'bot', user: '7', admin: 'false' }, 'values become strings; undefined is left out');
  t.equal(snap?.runId, snap?.id);
  await t.rejects(run({}, async () => Promise.reject(new Error('boom'))), /boom/);
  t.throws(() => run({}, () => {
    throw new Error('sync boom');
  }), /sync boom/);
});

t.test('runs work without a policy, and tools run unchecked', async (t) => {
  const { shutdown } = await import('../src/index.js');
  shutdown();
  t.equal(run({ agent: 'a' }, () => tool('x', () => scope()?.tool)()), 'x');
});

t.test('nested runs and tools inherit attributes; the innermost tool names the scope', async (t) => {
  fresh(t, {});
  await run({ agent: 'outer', user: 'u1' }, async () => {
    await run({ agent: 'inner' }, async () => {
      t.same(scope()?.attributes, { agent: 'inner', user: 'u1' });
      const inTool = await tool('search', async () => {
        const a = scope();
        const nested = tool('parse', () => scope())();
        return { a, nested };
      })();
      t.same(inTool.a?.attributes, { agent: 'inner', user: 'u1', tool: 'search' });
      t.equal(inTool.a?.kind, 'tool');
      t.equal(inTool.a?.tool, 'search');
      t.equal(inTool.nested?.tool, 'parse');
      t.same(inTool.nested?.attributes, { agent: 'inner', user: 'u1', tool: 'parse' });
      t.equal(inTool.nested?.runId, scope()?.id, 'the run of a tool is the nearest run');
    });
  });
});

t.test('label() needs a scope and a proper label', async (t) => {
  fresh(t, {});
  t.throws(() => label('untrusted'), /outside palisade\.run\(\)/);
  run({}, () => {
    t.throws(() => label('not ok'), TypeError);
    t.throws(() => label('1abc'), TypeError);
    t.throws(() => label(3 as unknown as string), TypeError);
    label('a', 'b.c', 'd_e-f');
    t.same(labels().sort(), ['a', 'b.c', 'd_e-f']);
  });
});

t.test('scope overlays match on tool, agent, user or any attribute, with globs and lists', async (t) => {
  fresh(t, {
    allow: { 'net.connect': ['base.com:443'] },
    scopes: [
      { match: { tool: 'web_*' }, allow: { 'net.connect': ['web.com:443'] } },
      { match: { agent: ['support', 'billing-*'] }, allow: { 'net.connect': ['crm.com:443'] } },
      { match: { user: 'admin' }, allow: { 'net.connect': ['admin.com:443'] } },
      { match: { tenant: 'acme', agent: 'support' }, allow: { 'net.connect': ['acme.com:443'] } },
    ],
  });
  const allowed = (host: string) => check(connect(host)).action === 'allow';
  t.notOk(allowed('web.com'), 'outside: base policy only');
  t.ok(allowed('base.com'));
  run({ agent: 'billing-eu' }, () => {
    t.ok(allowed('crm.com'));
    t.equal(check(connect('crm.com')).rule, 'scopes[1].allow.net.connect[0]');
    t.notOk(allowed('web.com'));
    t.ok(tool('web_fetch', () => allowed('web.com') && allowed('crm.com') && allowed('base.com'))(), 'tool overlay adds to the run overlay');
    t.notOk(tool('other', () => allowed('web.com'))());
    t.notOk(allowed('acme.com'));
  });
  run({ agent: 'support', tenant: 'acme' }, () => t.ok(allowed('acme.com'), 'every key of match must fit'));
  run({ agent: 'support', tenant: 'other' }, () => t.notOk(allowed('acme.com')));
  run({ tenant: 'acme' }, () => t.notOk(allowed('acme.com'), 'a missing attribute does not match'));
  run({ user: 'admin' }, () => t.ok(allowed('admin.com')));
  run({ user: 'admin2' }, () => t.notOk(allowed('admin.com')));
  t.notOk(allowed('crm.com'), 'nothing leaks out after the runs');
});

t.test('flows apply when all their labels are on the scope', async (t) => {
  fresh(t, {
    flows: [
      { when: ['untrusted'], deny: ['process.spawn'] },
      { when: ['untrusted', 'sensitive'], deny: ['net.connect'] },
    ],
  });
  await run({}, async () => {
    t.equal(check(spawnGit).action, 'allow');
    label('sensitive');
    t.equal(check(connect('a.com')).action, 'allow', 'one of two labels is not enough');
    await immediate();
    label('untrusted');
    t.equal(check(spawnGit).rule, 'flows[0]');
    t.equal(check(connect('a.com')).rule, 'flows[1]');
  });
  t.equal(check(spawnGit).action, 'allow', 'outside any scope: the base policy');
});

t.test('labels flow from a tool up to its run and down to later tools, never to other runs', async (t) => {
  fresh(t, { flows: [{ when: ['untrusted'], deny: ['process.spawn'] }] });
  let sibling: string[] = [];
  let labelled!: () => void;
  const done = new Promise<void>((resolve) => (labelled = resolve));
  await Promise.all([
    run({ agent: 'a' }, async () => {
      await tool('read_web', async () => {
        await immediate();
        label('untrusted');
        labelled();
        t.same(labels(), ['untrusted']);
      })();
      t.same(labels(), ['untrusted'], 'the run has the tool label');
      t.equal(check(spawnGit).action, 'deny');
      await tool('later', async () => t.equal(check(spawnGit).action, 'deny', 'later tools see it'))();
    }),
    run({ agent: 'b' }, async () => {
      await done;
      sibling = labels();
      t.equal(check(spawnGit).action, 'allow', 'the other run does not');
    }),
  ]);
  t.same(sibling, []);
  t.same(labels(), []);
});

t.test('a label on a nested run stays in it: per-request runs inside an outer run never share labels', async (t) => {
  fresh(t, {});
  run({ agent: 'server' }, () => {
    run({ user: 'mallory' }, () => {
      tool('web_fetch', () => label('untrusted'))();
      t.same(labels(), ['untrusted'], 'the tool labelled its own run');
    });
    t.same(labels(), [], 'the outer run did not take it');
    run({ user: 'alice' }, () => t.same(labels(), [], 'a sibling request starts clean'));
    label('sensitive');
    run({ user: 'bob' }, () => t.same(labels(), ['sensitive'], 'a nested run inherits what its outer run carries'));
  });
});

t.test('"tool" is reserved: a run cannot claim a tool name to match tool overlays', async (t) => {
  fresh(t, {});
  t.throws(() => run({ tool: 'web_fetch' } as never, () => 1), { name: 'TypeError', message: /reserved/ });
});

t.test('trust labels are applied by the allowed operations that match them', async (t) => {
  fresh(t, {
    trust: { untrusted: { 'tool.call': ['web_*'] }, sensitive: { 'fs.read': ['/secrets/**'] } },
    flows: [
      { when: ['untrusted'], deny: ['process.spawn'] },
      { when: ['untrusted', 'sensitive'], deny: ['net.connect'] },
    ],
  });
  await run({ agent: 'a' }, async () => {
    await tool('calc', async () => 1)();
    t.same(labels(), []);
    t.equal(check(spawnGit).action, 'allow');
    const seen = await tool('web_fetch', async () => labels())();
    t.same(seen, ['untrusted'], 'the tool runs labelled already');
    t.same(labels(), ['untrusted']);
    t.equal(enforce('fs.write', '/x').action, 'allow', 'fs.write is not in the flow');
    t.equal(check(spawnGit).rule, 'flows[0]');
    t.equal(check(connect('a.com')).action, 'allow');
    t.equal(check({ capability: 'fs.read', target: '/secrets/k' }).action, 'allow', 'check() does not apply labels');
    t.same(labels(), ['untrusted']);
    enforce('fs.read', '/secrets/k');
    t.same(labels().sort(), ['sensitive', 'untrusted'], 'enforce() does');
    t.equal(check(connect('a.com')).rule, 'flows[1]');
  });
  await run({ agent: 'b' }, async () => {
    t.same(labels(), [], 'a new run starts clean');
  });
  enforce('fs.read', '/secrets/k');
  t.same(labels(), [], 'outside any scope there is nothing to label');
});

t.test('a denied tool throws for sync functions and rejects for async ones, without running', async (t) => {
  fresh(t, { deny: { 'tool.call': ['shell*'] } });
  let calls = 0;
  const sync = tool('shell', () => calls++);
  const err = thrown(t, () => sync());
  t.equal(err.code, 'ERR_PALISADE_DENIED');
  t.equal(err.name, 'PalisadeDeniedError');
  t.equal(err.capability, 'tool.call');
  t.equal(err.target, 'shell');
  t.equal(err.rule, 'deny.tool.call[0]');
  t.equal(err.message, 'Palisade denied tool.call shell: matches deny entry "shell*" (deny.tool.call[0])');
  const asyncTool = tool('shell2', async () => calls++);
  let syncThrow = false;
  let p: Promise<unknown> | undefined;
  try {
    p = asyncTool();
  } catch {
    syncThrow = true;
  }
  t.notOk(syncThrow, 'an async tool does not throw synchronously');
  await t.rejects(p!, { code: 'ERR_PALISADE_DENIED', rule: 'deny.tool.call[0]' });
  t.equal(calls, 0, 'the implementation never ran');
  const allowed = tool('search', function (this: { k: number }, a: number, b: number) {
    return this.k + a + b;
  });
  t.equal(allowed.call({ k: 1 }, 2, 3), 6, 'this and arguments pass through');
  t.equal(tool('n', function named() {}).name, 'named');
  t.equal(tool('anon', () => {}).name, 'anon');
  t.throws(() => tool('', () => {}), TypeError);
  t.throws(() => tool('x', 3 as unknown as () => void), TypeError);
});

t.test('in monitor mode a denied tool runs, and the alert is recorded', async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'tool.call': ['shell'] } });
  t.equal(tool('shell', () => 'ran')(), 'ran');
  t.equal(check({ capability: 'tool.call', target: 'shell' }).action, 'alert');
});

t.test('enforcement never depends on being inside a scope', async (t) => {
  fresh(t, { deny: { 'fs.read': ['/etc/shadow'] }, scopes: [{ match: { agent: 'x' }, allow: { 'fs.read': true } }] });
  t.equal(thrown(t, () => enforce('fs.read', '/etc/shadow')).code, 'ERR_PALISADE_DENIED');
  run({ agent: 'x' }, () => t.equal(thrown(t, () => enforce('fs.read', '/etc/shadow')).code, 'ERR_PALISADE_DENIED', 'an overlay allow does not beat the base deny'));
  const later = await new Promise<string>((resolve) => setTimeout(() => resolve(check({ capability: 'fs.read', target: '/etc/shadow' }).action)));
  t.equal(later, 'deny', 'in a timer callback, outside any scope');
});

// ---- Hundreds of interleaved runs: nothing may leak between them ----

const POLICY = {
  allow: { 'net.connect': ['base.example:443'] },
  trust: { untrusted: { 'tool.call': ['web_*'] } },
  flows: [
    { when: ['untrusted'], deny: ['process.spawn'] },
    { when: ['untrusted', 'sensitive'], deny: { 'net.connect': ['*:*'] } },
    { when: ['pii'], deny: { 'fs.write': ['/out/**'] } },
  ],
  scopes: [
    { match: { agent: 'alpha*' }, allow: { 'net.connect': ['alpha.example:443'] } },
    { match: { user: ['u1', 'u2'] }, deny: { 'fs.read': ['/home/**'] } },
    { match: { tool: 'reader' }, allow: { 'net.connect': ['reader.example:443'] } },
    { match: { tenant: 't-*', agent: 'beta' }, deny: { 'llm.model': ['gpt-*'] } },
  ],
};

type Attrs = { agent?: string; user?: string; tenant?: string; tool?: string };

/** What the policy must answer for each probe, from one scope's own attributes and labels. */
function expected(a: Attrs, l: ReadonlySet<string>): Record<string, string> {
  const trifecta = l.has('untrusted') && l.has('sensitive');
  const net = (host: string, allowedBy: string | undefined) =>
    trifecta ? 'deny flows[1].deny.net.connect[0]' : allowedBy ? `allow ${allowedBy}` : 'deny allow.net.connect';
  return {
    base: net('base', 'allow.net.connect[0]'),
    alpha: net('alpha', a.agent?.startsWith('alpha') ? 'scopes[0].allow.net.connect[0]' : undefined),
    reader: net('reader', a.tool === 'reader' ? 'scopes[2].allow.net.connect[0]' : undefined),
    spawn: l.has('untrusted') ? 'deny flows[0]' : 'allow default',
    home: a.user === 'u1' || a.user === 'u2' ? 'deny scopes[1].deny.fs.read[0]' : 'allow default',
    out: l.has('pii') ? 'deny flows[2].deny.fs.write[0]' : 'allow default',
    model: a.tenant?.startsWith('t-') && a.agent === 'beta' ? 'deny scopes[3].deny.llm.model[0]' : 'allow default',
  };
}

const PROBES: Record<string, CheckInput> = {
  base: connect('base.example'),
  alpha: connect('alpha.example'),
  reader: connect('reader.example'),
  spawn: spawnGit,
  home: { capability: 'fs.read', target: '/home/x/.profile' },
  out: { capability: 'fs.write', target: '/out/report' },
  model: { capability: 'llm.model', target: 'gpt-4o' },
};

function observed(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, op] of Object.entries(PROBES)) {
    const v = check(op);
    out[k] = `${v.action} ${v.rule}`;
  }
  return out;
}

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

t.test('hundreds of interleaved concurrent runs never leak labels, overlays or scopes', async (t) => {
  fresh(t, POLICY);
  const seed = Number(process.env.PALISADE_TEST_SEED ?? 20240611);
  const rnd = prng(seed);
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const mismatches: string[] = [];
  let probes = 0;

  const pause = () => {
    const r = rnd();
    return r < 0.3 ? immediate() : r < 0.6 ? Promise.resolve() : r < 0.8 ? sleep(Math.floor(rnd() * 3)) : new Promise<void>((res) => process.nextTick(res));
  };

  const verify = (where: string, attrs: Attrs, runLabels: ReadonlySet<string>, runId: string | undefined, toolName?: string) => {
    probes++;
    const want = expected(attrs, runLabels);
    const got = observed();
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${where}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    const gotLabels = labels().sort().join(',');
    const wantLabels = [...runLabels].sort().join(',');
    if (gotLabels !== wantLabels) mismatches.push(`${where}: labels ${gotLabels} != ${wantLabels}`);
    const snap = scope();
    const wantAttrs = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
    if (JSON.stringify(snap?.attributes ?? {}) !== JSON.stringify(wantAttrs)) mismatches.push(`${where}: attributes ${JSON.stringify(snap?.attributes)} != ${JSON.stringify(wantAttrs)}`);
    if (snap?.runId !== runId) mismatches.push(`${where}: run ${snap?.runId} != ${runId}`);
    if (snap?.tool !== toolName) mismatches.push(`${where}: tool ${snap?.tool} != ${toolName}`);
  };

  // Steps inside one run (or one of its tools): every label goes into the run's own model set.
  const steps = async (where: string, attrs: Attrs, runLabels: Set<string>, runId: string, depth: number): Promise<void> => {
    const n = 2 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.25) await pause();
      else if (r < 0.45) {
        const l = choose(['untrusted', 'sensitive', 'pii']);
        label(l);
        runLabels.add(l);
      } else if (r < 0.7 && depth < 3) {
        const calls = rnd() < 0.3 ? 2 : 1;
        await Promise.all(
          Array.from({ length: calls }, () => {
            const name = choose(['reader', 'web_fetch', 'calc', 'writer', 'web_search']);
            // A web_* call is allowed and trusted as untrusted: the label lands before the tool runs.
            if (name.startsWith('web_')) runLabels.add('untrusted');
            return tool(name, async () => {
              await pause();
              await steps(`${where}>${name}`, { ...attrs, tool: name }, runLabels, runId, depth + 1);
            })();
          }),
        );
      }
      verify(`${where}#${i}`, attrs, runLabels, runId, attrs.tool);
    }
  };

  const RUNS = 400;
  const tasks: Array<Promise<void>> = [];
  for (let k = 0; k < RUNS; k++) {
    const attrs: Attrs = {};
    const agent = choose(['alpha-1', 'alphaX', 'beta', 'gamma', undefined]);
    const user = choose(['u1', 'u2', 'u3', undefined]);
    const tenant = choose(['t-1', 't-9', 'x', undefined]);
    if (agent) attrs.agent = agent;
    if (user) attrs.user = user;
    if (tenant) attrs.tenant = tenant;
    tasks.push(
      (async () => {
        await pause();
        await run(attrs, async () => {
          const runId = scope()!.id;
          const runLabels = new Set<string>();
          verify(`run${k}`, attrs, runLabels, runId);
          await steps(`run${k}`, attrs, runLabels, runId, 0);
          await pause();
          verify(`run${k}:end`, attrs, runLabels, runId);
        });
      })(),
    );
    // Code outside any scope, interleaved: always the base policy.
    if (k % 20 === 0) {
      tasks.push(
        (async () => {
          for (let i = 0; i < 5; i++) {
            await pause();
            probes++;
            const got = JSON.stringify(observed());
            const want = JSON.stringify(expected({}, new Set()));
            if (got !== want) mismatches.push(`outside: ${got}`);
            if (scope() !== undefined) mismatches.push('outside: a scope leaked into unscoped code');
          }
        })(),
      );
    }
  }
  await Promise.all(tasks);
  t.ok(probes > RUNS * 3, `${probes} probes across ${RUNS} runs (seed ${seed})`);
  t.same(mismatches.slice(0, 5), [], 'every decision matched what its own run had done');
  t.equal(mismatches.length, 0);
  t.equal(scope(), undefined);
});
