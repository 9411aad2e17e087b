import t from 'tap';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, realpathSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argTarget, forgetRealPaths, isCleanAbsolute, pathArg, realLocation, realPath, stringTarget, toAbsolute } from '../src/normalize/path.js';

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
  t.same(pathArg('/etc/x'), { absolute: '/etc/x', pass: '/etc/x', text: '/etc/x' });
  const buf = Buffer.from('/etc/x');
  const a = pathArg(buf)!;
  t.equal(a.absolute, '/etc/x');
  t.not(a.pass, buf, 'a copy, not the caller’s buffer');
  buf.write('/tmp/y');
  t.equal(a.pass.toString(), '/etc/x', 'changing the caller’s buffer after the check does not change what Node gets');
  const u = pathArg(new URL('file:///etc/a%20b'))!;
  t.equal(u.absolute, '/etc/a b');
  t.equal(u.text, '/etc/a b');
  t.equal(fileURLToPath(u.pass as URL), '/etc/a b', 'Node derives the same path from what it is given');
  t.equal(pathArg(new URL('http://x/etc'))?.absolute, undefined, 'non-file URLs are left for Node to reject');
  t.equal(pathArg('a\0b')?.absolute, undefined);
  t.equal(pathArg(42)?.absolute, undefined);
  t.equal(pathArg('')?.absolute, undefined);
});

t.test('a URL-like object with a getter that changes between reads is read exactly once', async (t) => {
  let reads = 0;
  const sneaky = {
    href: 'file:///allowed/a',
    protocol: 'file:',
    hostname: '',
    get pathname() {
      reads++;
      return reads === 1 ? '/allowed/a' : '/etc/shadow';
    },
  };
  const a = pathArg(sneaky)!;
  t.equal(reads, 1);
  t.equal(a.absolute, '/allowed/a');
  t.not(a.pass, sneaky, 'Node gets a snapshot, not the object');
  t.equal(fileURLToPath(a.pass as URL), '/allowed/a', 'from which it derives the path that was checked');
  t.equal(reads, 1, 'without reading the caller’s getter again');
});

t.test('regression: a URL-like value Node rejects is handed to Node as a snapshot, never read again', async (t) => {
  let reads = 0;
  const sneaky = {
    get href() {
      reads++;
      return reads === 1 ? undefined : 'file:///etc/shadow';
    },
    protocol: 'file:',
  };
  const a = pathArg(sneaky)!;
  t.equal(a.absolute, undefined, 'not a URL at the one read');
  t.equal(reads, 1);
  t.not(a.pass, sneaky);
  t.throws(() => readFileSync(a.pass as never), { code: 'ERR_INVALID_ARG_TYPE' }, 'Node rejects the snapshot as it would the value');
  t.equal(reads, 1, 'Node never read the caller’s getter');
  const fn = Object.assign(() => {}, { href: 'file:///etc/hostname', protocol: 'file:', hostname: '', pathname: '/etc/hostname' });
  t.equal(pathArg(fn)?.absolute, '/etc/hostname', 'a function with URL properties is a URL to Node, so it is checked as one');
});

t.test('regression: a Buffer path that is not UTF-8 is resolved by its bytes', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pal-bytes-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'f'), 'x');
  const name = Buffer.concat([Buffer.from(`${dir}/link-`), Buffer.from([0xff])]);
  symlinkSync(join(dir, 'real', 'f'), name);
  forgetRealPaths();
  const a = pathArg(name)!;
  t.ok(a.bytes, 'the bytes are kept');
  t.equal(argTarget(a as typeof a & { absolute: string }, true), join(dir, 'real', 'f'), 'followed through the link');
  t.equal(argTarget(a as typeof a & { absolute: string }, false), `${dir}/link-\ufffd`, 'lstat semantics: the name itself');
  const missing = Buffer.concat([name, Buffer.from('/new/deeper')]);
  t.equal(argTarget({ absolute: 'x', pass: missing, bytes: missing }, true), `${dir}/real/f/new/deeper`, 'a path still to be created resolves through its existing part');
});

t.test('regression: a path with many components still to be created resolves through a symlink above them', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pal-deep-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  forgetRealPaths();
  const tail = Array.from({ length: 100 }, (_, i) => `d${i}`).join('/');
  t.equal(realPath(join(dir, 'link', tail)), join(dir, 'real', tail), '100 missing levels (more than the old limit of 64)');
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
