import t from 'tap';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, realpathSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetRealPaths, isCleanAbsolute, pathArg, realLocation, realPath, stringTarget, toAbsolute } from '../src/normalize/path.js';

t.test('isCleanAbsolute accepts only normalized absolute paths', async (t) => {
  for (const p of ['/', '/a', '/a/b.c', '/home/u/.config/x', '/a/.b/c', '/a/..b', '/a/b..']) t.ok(isCleanAbsolute(p), p);
  for (const p of ['a', './a', '/a/', '/a//b', '/a/./b', '/a/../b', '/a/.', '/a/..', '/..', '/.']) t.notOk(isCleanAbsolute(p), p);
});

t.test('toAbsolute resolves relative paths and dot segments against the real cwd', async (t) => {
  t.equal(toAbsolute('/a/b/../c'), '/a/c');
  t.equal(toAbsolute('x/y'), join(process.cwd(), 'x/y'));
  t.equal(toAbsolute('/a//b/'), '/a/b');
});

t.test('a monkey-patched path.resolve or process.cwd does not change the result', async (t) => {
  const path = await import('node:path');
  const origResolve = path.default.resolve;
  const origCwd = process.cwd;
  try {
    path.default.resolve = () => '/allowed/x';
    process.cwd = () => '/allowed';
    t.equal(toAbsolute('secret'), join(origCwd.call(process), 'secret'));
  } finally {
    path.default.resolve = origResolve;
    process.cwd = origCwd;
  }
});

t.test('pathArg reads strings, Buffers and file URLs once and hands Node the checked value', async (t) => {
  t.same(pathArg('/etc/x'), { absolute: '/etc/x', pass: '/etc/x' });
  const buf = Buffer.from('/etc/x');
  const a = pathArg(buf)!;
  t.equal(a.absolute, '/etc/x');
  t.not(a.pass, buf, 'a copy, not the caller’s buffer');
  buf.write('/tmp/y');
  t.equal(a.pass.toString(), '/etc/x', 'changing the caller’s buffer after the check does not change what Node gets');
  t.same(pathArg(new URL('file:///etc/a%20b')), { absolute: '/etc/a b', pass: '/etc/a b' });
  t.equal(pathArg(new URL('http://x/etc')), undefined, 'non-file URLs are left for Node to reject');
  t.equal(pathArg('a\0b'), undefined);
  t.equal(pathArg(42), undefined);
  t.equal(pathArg(''), undefined);
});

t.test('a URL-like object with a getter that changes between reads is read exactly once', async (t) => {
  let reads = 0;
  const sneaky = {
    protocol: 'file:',
    get href() {
      reads++;
      return reads === 1 ? 'file:///allowed/a' : 'file:///etc/shadow';
    },
  };
  const a = pathArg(sneaky)!;
  t.equal(reads, 1);
  t.equal(a.absolute, '/allowed/a');
  t.equal(a.pass, '/allowed/a', 'Node gets the string that was checked, not the object');
});

t.test('realPath resolves symlinks, also for paths that do not exist yet; realLocation keeps the last component', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pal-rp-')));
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'f'), 'x');
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  symlinkSync(join(dir, 'real', 'f'), join(dir, 'flink'));
  forgetRealPaths();
  t.equal(realPath(join(dir, 'link', 'f')), join(dir, 'real', 'f'));
  t.equal(realPath(join(dir, 'link', 'new', 'deeper')), join(dir, 'real', 'new', 'deeper'));
  t.equal(realLocation(join(dir, 'flink')), join(dir, 'flink'));
  t.equal(stringTarget(join(dir, 'flink'), true), join(dir, 'real', 'f'));
  t.equal(stringTarget(join(dir, 'flink'), false), join(dir, 'flink'));
});

t.test('forgetRealPaths drops cached resolutions after the namespace changes', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pal-rp2-')));
  writeFileSync(join(dir, 'a'), 'x');
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'b'), 'y');
  forgetRealPaths();
  t.equal(stringTarget(join(dir, 'p'), true), join(dir, 'p'));
  symlinkSync(join(dir, 'other', 'b'), join(dir, 'p'));
  t.equal(stringTarget(join(dir, 'p'), true), join(dir, 'p'), 'stale until told');
  forgetRealPaths();
  t.equal(stringTarget(join(dir, 'p'), true), join(dir, 'other', 'b'));
  renameSync(join(dir, 'p'), join(dir, 'q'));
});

t.test('/proc and /dev/fd paths are never cached (descriptor numbers are reused)', async (t) => {
  forgetRealPaths();
  const first = stringTarget('/proc/self/cwd', true);
  t.equal(first, realpathSync('/proc/self/cwd'));
  const prev = process.cwd();
  process.chdir(tmpdir());
  try {
    t.equal(stringTarget('/proc/self/cwd', true), realpathSync(tmpdir()));
  } finally {
    process.chdir(prev);
  }
});
