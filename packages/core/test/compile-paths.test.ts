import { basename, join, resolve } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { check, enforce } from '../src/index.js';
import { parsePathPattern } from '../src/compile/path-pattern.js';
import { VALUES, fresh, thrown, viewOf } from './helpers/index.js';

const rule = (view: ReturnType<typeof viewOf>, path: string, cap: 'fs.read' | 'code.native' | 'code.worker' = 'fs.read') => view.check(cap, path).rule;

t.test('placeholders and ~/ expand', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['${cwd}/secret/**', '${home}/.ssh/**', '${tmp}/x/*', '~/notes/*.md'] } });
  t.equal(rule(v, '/srv/app/secret/a/b'), 'deny.fs.read[0]');
  t.equal(rule(v, '/home/alice/.ssh/id_ed25519'), 'deny.fs.read[1]');
  t.equal(rule(v, '/tmp/x/y'), 'deny.fs.read[2]');
  t.equal(rule(v, '/tmp/x/y/z'), 'default', '* stays within one segment');
  t.equal(rule(v, '/home/alice/notes/a.md'), 'deny.fs.read[3]');
  t.equal(rule(v, '/home/alice/notes/a.txt'), 'default');
  t.equal(rule(v, '/srv/app/secrets'), 'default');
});

t.test('relative patterns are taken against ${cwd}', async (t) => {
  const v = viewOf({ allow: { 'fs.read': ['src/**', './docs/*.md', 'package.json'] } });
  t.equal(rule(v, '/srv/app/src/a/b.ts'), 'allow.fs.read[0]');
  t.equal(rule(v, '/srv/app/docs/x.md'), 'allow.fs.read[1]');
  t.equal(rule(v, '/srv/app/package.json'), 'allow.fs.read[2]');
  t.equal(rule(v, '/other/src/a.ts'), 'allow.fs.read', 'not anywhere: under cwd only');
  t.equal(v.check('fs.read', '/other/src/a.ts').action, 'deny');
});

t.test('**/name matches at any depth, dotfiles and dot directories included', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['**/.env', '**/.env.*', '/data/*'] } });
  for (const p of ['/srv/app/.env', '/.env', '/a/.hidden/b/.env', '/x/.env.local']) t.equal(v.check('fs.read', p).action, 'deny', p);
  for (const p of ['/srv/app/.envrc', '/srv/app/env', '/srv/app/.env/../x']) t.equal(v.check('fs.read', p).action, 'allow', p);
  t.equal(rule(v, '/data/.secret'), 'deny.fs.read[2]', '* matches dotfiles');
});

t.test('a directory pattern /dir/** covers the directory itself, not its namesakes', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['/etc/**'] } });
  t.equal(v.check('fs.read', '/etc').action, 'deny');
  t.equal(v.check('fs.read', '/etc/ssl/certs/x.pem').action, 'deny');
  t.equal(v.check('fs.read', '/etcetera').action, 'allow');
  t.equal(v.check('fs.read', '/etc-x/y').action, 'allow');
});

t.test('exact paths match exactly, in normal form', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['/etc/shadow', '/var//log/./auth.log/'] } });
  t.equal(rule(v, '/etc/shadow'), 'deny.fs.read[0]');
  t.equal(rule(v, '/etc/shadow2'), 'default');
  t.equal(rule(v, '/etc'), 'default');
  t.equal(rule(v, '/var/log/auth.log'), 'deny.fs.read[1]', 'the pattern is normalized');
});

t.test('regression: patterns with .. or . segments name the directory they lead to', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['${cwd}/../shared/**', '../keys/*.pem', '/srv/./app/./conf/*'] } });
  t.equal(rule(v, '/srv/shared/token'), 'deny.fs.read[0]');
  t.equal(rule(v, '/srv/keys/a.pem'), 'deny.fs.read[1]');
  t.equal(rule(v, '/srv/app/conf/x'), 'deny.fs.read[2]');
});

t.test('regression: targets that are not in normal form meet the rules for the path they name', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['/etc/shadow', '/root/**'] } });
  for (const p of ['/etc/../etc/shadow', '/etc//shadow', '/etc/./shadow', '/etc/shadow/', '/tmp/../root/x', '//root/.ssh/id']) {
    t.equal(v.check('fs.read', p).action, 'deny', p);
  }
  t.equal(v.check('fs.read', '/etc/../etc/shadow').target, '/etc/shadow', 'the verdict shows the path that was matched');
  t.equal(v.check('fs.read', '/home/.config/x').action, 'allow', 'dot files are not mistaken for . segments');
});

t.test('regression: relative targets given to check() and enforce() are resolved against the working directory', async (t) => {
  const secret = resolve('palisade-test-secret.txt');
  fresh(t, { deny: { 'fs.read': [secret, '${cwd}/sub/**'] } });
  t.equal(check({ capability: 'fs.read', target: 'palisade-test-secret.txt' }).action, 'deny');
  t.equal(check({ capability: 'fs.read', target: './palisade-test-secret.txt' }).action, 'deny');
  t.equal(check({ capability: 'fs.read', target: 'sub/x' }).action, 'deny');
  t.equal(check({ capability: 'fs.read', target: join('..', basename(process.cwd()), 'sub', 'y') }).action, 'deny', '../<cwd>/sub/y');
  t.equal(thrown(t, () => enforce('fs.read', 'palisade-test-secret.txt')).target, secret);
});

t.test('regression: a working directory or home containing glob characters (even braces) matches literally', async (t) => {
  for (const cwd of ['/tmp/a (b)', '/tmp/[x]', '/tmp/{a,b}', '/tmp/x!y', '/tmp/a*b', '/tmp/q?', '/tmp/p+(q)', '/tmp/@(r)']) {
    const values = { ...VALUES, cwd, home: `${cwd}/home` };
    const v = viewOf({ deny: { 'fs.read': ['src/**', '${cwd}/*.key', '~/.ssh/**', '${cwd}/exact.txt'] } }, values);
    t.equal(rule(v, `${cwd}/src/deep/file`), 'deny.fs.read[0]', `${cwd}: relative pattern`);
    t.equal(rule(v, `${cwd}/a.key`), 'deny.fs.read[1]', `${cwd}: placeholder`);
    t.equal(rule(v, `${cwd}/home/.ssh/id`), 'deny.fs.read[2]', `${cwd}: home`);
    t.equal(rule(v, `${cwd}/exact.txt`), 'deny.fs.read[3]', `${cwd}: exact`);
    // The special characters must not act as pattern syntax.
    for (const other of ['/tmp/a/src/x', '/tmp/x/src/y', '/tmp/a/a.key', '/tmp/ab/a.key', '/tmp/aXb/src/x', '/tmp/q1/src/x']) {
      if (!other.startsWith(`${cwd}/`)) t.equal(rule(v, other), 'default', `${cwd}: ${other} is elsewhere`);
    }
  }
});

t.test('code.* patterns: paths, and pseudo-names such as binding:fs', async (t) => {
  const v = viewOf({
    allow: { 'code.native': ['binding:fs', 'binding:crypto*', '${cwd}/node_modules/**/*.node'], 'code.worker': ['worker.js', '${cwd}/workers/*.mjs'] },
  });
  t.equal(rule(v, 'binding:fs', 'code.native'), 'allow.code.native[0]');
  t.equal(rule(v, 'binding:crypto_x', 'code.native'), 'allow.code.native[1]');
  t.equal(v.check('code.native', 'binding:spawn_sync').action, 'deny');
  t.equal(rule(v, '/srv/app/node_modules/a/build/Release/x.node', 'code.native'), 'allow.code.native[2]');
  t.equal(v.check('code.native', '/tmp/evil.node').action, 'deny');
  t.equal(rule(v, '/srv/app/workers/w.mjs', 'code.worker'), 'allow.code.worker[1]');
  t.equal(rule(v, 'worker.js', 'code.worker'), 'allow.code.worker[0]', 'a pattern without / is a name');
});

t.test('the earliest matching entry decides, whether exact, anchored or unanchored', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['/a/b/**', '/a/b/c', '**/c', '/a/**'] } });
  t.equal(rule(v, '/a/b/c'), 'deny.fs.read[0]');
  t.equal(rule(v, '/x/c'), 'deny.fs.read[2]');
  t.equal(rule(v, '/a/x'), 'deny.fs.read[3]');
  const w = viewOf({ deny: { 'fs.read': ['/z/**', '/a/b/c', '**/c'] } });
  t.equal(rule(w, '/a/b/c'), 'deny.fs.read[1]', 'an exact entry before a glob wins');
  const u = viewOf({ deny: { 'fs.read': ['**/c', '/a/b/c'] } });
  t.equal(rule(u, '/a/b/c'), 'deny.fs.read[0]', 'an unanchored glob before an exact entry wins');
});

t.test('bad path patterns', async (t) => {
  t.same(parsePathPattern('', VALUES), { ok: false, error: 'must not be empty' });
  t.same(parsePathPattern('/a\u0000', VALUES), { ok: false, error: 'must not contain NUL' });
  t.equal(parsePathPattern('/a/**', VALUES).ok, true);
});

// The rule index (exact map, per-directory lists, unanchored list) must give the
// same answer as trying every pattern in order.
t.test('property: the indexed lookup equals trying each pattern in order', async (t) => {
  const seg = fc.constantFrom('a', 'b', 'c', '.d', 'e.txt', '*', '**', '*.txt', '{a,b}', '?');
  const litSeg = fc.constantFrom('a', 'b', 'c', '.d', 'e.txt', 'f.txt', 'ab');
  const pattern = fc.tuple(fc.constantFrom('/', '/a/', '**/', '${cwd}/', '~/', ''), fc.array(seg, { minLength: 1, maxLength: 4 })).map(([p, s]) => p + s.join('/'));
  const path = fc.tuple(fc.constantFrom('', '/srv/app', '/home/alice', '/a'), fc.array(litSeg, { minLength: 0, maxLength: 5 })).map(([p, s]) => `${p}/${s.join('/')}`.replace(/\/$/, '') || '/');
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), fc.array(path, { minLength: 1, maxLength: 10 }), (patterns, paths) => {
      const view = viewOf({ deny: { 'fs.read': patterns } });
      const tests = patterns.map((p) => {
        const r = parsePathPattern(p, VALUES);
        if (!r.ok) throw new Error(r.error);
        return r.value.test;
      });
      for (const p of paths) {
        const i = tests.findIndex((test) => test(p));
        const expected = i === -1 ? 'default' : `deny.fs.read[${i}]`;
        if (view.check('fs.read', p).rule !== expected) throw new Error(`${p}: ${view.check('fs.read', p).rule} != ${expected} for ${JSON.stringify(patterns)}`);
      }
    }),
    { numRuns: 400 },
  );
  t.pass('index and linear scan agree');
});

t.test('property: any working directory name is matched literally', async (t) => {
  const name = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '(', ')', '{', '}', '[', ']', '!', '+', '@', '*', '?', '|', ',', '.', '-', '\\'), minLength: 1, maxLength: 8 })
    // Two backslashes in a row are the one sequence picomatch cannot be given literally (a known limit).
    .filter((s) => s !== '.' && s !== '..' && !s.includes('\\\\'));
  fc.assert(
    fc.property(name, (dir) => {
      const cwd = `/tmp/${dir}`;
      const v = viewOf({ deny: { 'fs.read': ['src/**', '${cwd}/x.key'] } }, { ...VALUES, cwd });
      return (
        v.check('fs.read', `${cwd}/src/a/b`).rule === 'deny.fs.read[0]' &&
        v.check('fs.read', `${cwd}/x.key`).rule === 'deny.fs.read[1]' &&
        v.check('fs.read', '/tmp/other/src/a').rule === 'default' &&
        v.check('fs.read', `${cwd}x/src/a`).rule === 'default'
      );
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('a slash-less pattern starting with * matches that file name in any directory', async (t) => {
  const view = viewOf({ version: 1, deny: { 'fs.read': ['*.pem', '*secret*'] } });
  t.equal(view.check('fs.read', '/etc/ssl/private/server.pem').action, 'deny');
  t.equal(view.check('fs.read', `${VALUES.cwd}/key.pem`).action, 'deny');
  t.equal(view.check('fs.read', '/srv/app/my-secret-notes.txt').action, 'deny');
  t.equal(view.check('fs.read', '/srv/app/notes.txt').action, 'allow');
});

t.test('property: the own matchers for DIR/**, **/NAME and /A/*/B (stars only) agree with picomatch', async (t) => {
  // Those shapes (most policy entries) no longer load picomatch; it stays the reference for what they mean.
  const { default: picomatch } = await import('picomatch');
  const seg = fc.constantFrom('a', 'b', '.a', '..', '.', '', 'a.b', '.env', '.env.x', 'x.pem', '.pem', 'a b', 'é');
  const path = fc.array(seg, { minLength: 0, maxLength: 5 }).map((s) => `/${s.join('/')}`);
  const dir = fc.array(fc.constantFrom('a', 'b', '.a', 'a.b', 'x y'), { minLength: 0, maxLength: 3 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
  const name = fc.array(fc.constantFrom('a', '.', 'env', '*', 'pem', '-'), { minLength: 1, maxLength: 5 }).map((s) => s.join('')).filter((n) => n.includes('*') && n !== '*');
  const starred = fc.array(fc.oneof(fc.constantFrom('a', '.a', 'proc', 'environ'), name, fc.constant('*')), { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
  const pattern = fc.oneof(dir.map((d) => `${d}/**`), name.map((n) => `**/${n}`), starred);
  fc.assert(
    fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (p, paths) => {
      const own = parsePathPattern(p, VALUES);
      if (!own.ok) return false;
      const ref = picomatch(p, { dot: true, strictSlashes: false });
      // For **/NAME only the last component is compared: the same answer for paths in normal form (no
      // `.`/`..` segment, doubled or trailing slash), which is how paths reach the guard.
      const normal = (x: string) => !/(^|\/)\.\.?(\/|$)/.test(x) && !x.includes('//') && (x === '/' || !x.endsWith('/'));
      const comparable = p.endsWith('/**') ? paths : paths.filter(normal);
      for (const x of comparable) if (own.value.test(x) !== ref(x)) return t.fail(`${p} on ${x}: own ${own.value.test(x)}, picomatch ${ref(x)}`);
      return true;
    }),
    { numRuns: 400 },
  );
  t.pass('agreed');
});

t.test('regression: **/** is a globstar, not a file name (it matches / too)', async (t) => {
  const v = viewOf({ deny: { 'fs.read': ['**/**'] } });
  for (const p of ['/', '/a', '/a/.b']) t.equal(v.check('fs.read', p).action, 'deny', p);
});

t.test('the common pattern shapes do not need picomatch', async (t) => {
  const { loaded } = await import('./helpers/picomatch-probe.js');
  t.equal(loaded(['${cwd}/**', '**/.env', '**/.env.*', '/proc/*/environ', '~/.ssh/**', '*.pem']), false, 'not loaded for these');
  t.equal(loaded(['/srv/{a,b}/**']), true, 'loaded for braces');
});
