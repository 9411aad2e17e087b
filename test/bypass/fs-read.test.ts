import t from 'tap';
import { realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET, attempt, output, prepare } from '../helpers/bypass.js';

// Each script tries to read the denied secret and prints what it got. The
// secret must never appear in the output; the error must be Palisade's.
const report = `const report = (how, f) => { try { const v = f(); console.log(JSON.stringify({ how, got: String(v) })); } catch (e) { console.log(JSON.stringify({ how, code: e.code })); } };`;

async function expectDenied(t: Tap.Test, script: string, opts: Parameters<typeof attempt>[1] = {}) {
  const r = await attempt(`${report}\n${script}`, opts);
  t.equal(r.code, 0, `the app ran to the end (stderr: ${r.stderr.slice(0, 300)})`);
  t.notMatch(output(r), SECRET, 'the secret never reached the app');
  t.ok(r.json.length > 0, 'the script reported');
  for (const line of r.json) t.equal(line.code, 'ERR_PALISADE_DENIED', `${line.how}: denied by Palisade`);
  return r;
}

t.test('ESM named import of node:fs functions', async (t) => {
  await expectDenied(t, `import { readFileSync } from 'node:fs';\nreport('named import', () => readFileSync('secret/key', 'utf8'));`);
});

t.test('default import and fs/promises named import', async (t) => {
  await expectDenied(
    t,
    `import fs from 'fs';\nimport { readFile } from 'node:fs/promises';\nreport('default import', () => fs.readFileSync('secret/key', 'utf8'));\ntry { await readFile('secret/key', 'utf8'); console.log('leak'); } catch (e) { console.log(JSON.stringify({ how: 'fs/promises', code: e.code })); }`,
  );
});

t.test('process.getBuiltinModule', { skip: typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule !== 'function' && 'needs Node >= 20.16' }, async (t) => {
  await expectDenied(t, `report('getBuiltinModule', () => process.getBuiltinModule('node:fs').readFileSync('secret/key', 'utf8'));`);
});

t.test('module.createRequire', async (t) => {
  await expectDenied(t, `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nreport('createRequire', () => require('fs').readFileSync('secret/key', 'utf8'));`);
});

t.test('Buffer, URL and URL-like paths', async (t) => {
  await expectDenied(
    t,
    `import fs from 'node:fs';
report('buffer', () => fs.readFileSync(Buffer.from(process.cwd() + '/secret/key'), 'utf8'));
report('url', () => fs.readFileSync(new URL('file://' + process.cwd() + '/secret/key'), 'utf8'));
report('url-encoded', () => fs.readFileSync(new URL('file://' + process.cwd() + '/secr%65t/key'), 'utf8'));
let n = 0;
const sneaky = { href: 'file://' + process.cwd() + '/public.txt', protocol: 'file:', hostname: '', get pathname() { n++; return process.cwd() + (n === 1 ? '/public.txt' : '/secret/key'); } };
try { const v = fs.readFileSync(sneaky, 'utf8'); console.log(JSON.stringify({ how: 'getter', code: v.includes('TOPSECRET') ? 'LEAK' : 'ERR_PALISADE_DENIED' })); } catch (e) { console.log(JSON.stringify({ how: 'getter', code: e.code })); }`,
  );
});

t.test('regression: URL-like values Node read again after the check (an href getter, a function with URL properties, non-UTF-8 Buffer through a symlink)', async (t) => {
  const dir = prepare();
  symlinkSync(join(dir, 'secret', 'key'), Buffer.concat([Buffer.from(join(dir, 'sub', 'link-')), Buffer.from([0xff])]));
  const r = await attempt(
    `import fs from 'node:fs';
const url = 'file://' + process.cwd() + '/secret/key';
const show = (how, f) => { try { const v = String(f()); console.log(JSON.stringify({ how, code: v.includes('TOPSECRET') ? 'LEAK' : 'read something else' })); } catch (e) { console.log(JSON.stringify({ how, code: e.code })); } };
let n = 0;
show('href getter: nothing, then the secret', () => fs.readFileSync({ get href() { return n++ === 0 ? undefined : url; }, protocol: 'file:', hostname: '', pathname: process.cwd() + '/secret/key' }));
show('function with URL properties', () => fs.readFileSync(Object.assign(() => {}, { href: url, protocol: 'file:', hostname: '', pathname: process.cwd() + '/secret/key' })));
show('non-UTF-8 Buffer name of a symlink', () => fs.readFileSync(Buffer.concat([Buffer.from(process.cwd() + '/sub/link-'), Buffer.from([0xff])])));`,
    { dir },
  );
  t.notMatch(output(r), SECRET, 'the secret never reached the app');
  t.same(
    r.json.map((l) => [l.how, l.code]),
    [
      ['href getter: nothing, then the secret', 'ERR_INVALID_ARG_TYPE'],
      ['function with URL properties', 'ERR_PALISADE_DENIED'],
      ['non-UTF-8 Buffer name of a symlink', 'ERR_PALISADE_DENIED'],
    ],
    'Node’s own error for what it reads as no path at all, Palisade’s for the secret',
  );
});

t.test('file descriptors of an allowed directory used to reach a denied path', async (t) => {
  await expectDenied(
    t,
    `import fs from 'node:fs';
const fd = fs.openSync('.', 'r');
report('/proc/self/fd', () => fs.readFileSync('/proc/self/fd/' + fd + '/secret/key', 'utf8'));
report('/dev/fd', () => fs.readFileSync('/dev/fd/' + fd + '/secret/key', 'utf8'));
report('/proc/self/root', () => fs.readFileSync('/proc/self/root' + process.cwd() + '/secret/key', 'utf8'));
report('/proc/self/cwd', () => fs.readFileSync('/proc/self/cwd/secret/key', 'utf8'));`,
  );
});

t.test('a symlink inside an allowed directory pointing at a denied file', async (t) => {
  const dir = prepare();
  symlinkSync(join(dir, 'secret', 'key'), join(dir, 'innocent.txt'));
  symlinkSync(join(dir, 'secret'), join(dir, 'sub', 'dirlink'));
  await expectDenied(
    t,
    `import fs from 'node:fs';
report('file link', () => fs.readFileSync('innocent.txt', 'utf8'));
report('dir link', () => fs.readFileSync('sub/dirlink/key', 'utf8'));
fs.createReadStream('innocent.txt').on('data', (d) => console.log(String(d))).on('error', (e) => console.log(JSON.stringify({ how: 'stream via link', code: e.code })));`,
    { dir },
  );
});

t.test('relative .. paths after process.chdir', async (t) => {
  await expectDenied(t, `import fs from 'node:fs';\nprocess.chdir('sub');\nreport('chdir ..', () => fs.readFileSync('../secret/key', 'utf8'));\nreport('dots', () => fs.readFileSync('./../public.txt/../secret//key', 'utf8'));`);
});

t.test('path.resolve and process.cwd monkey-patched', async (t) => {
  await expectDenied(
    t,
    `import fs from 'node:fs';\nimport path from 'node:path';\nconst pub = path.join(process.cwd(), 'public.txt');\npath.resolve = () => pub;\npath.normalize = () => pub;\nprocess.cwd = () => '/nonexistent';\nreport('patched resolve', () => fs.readFileSync('secret/key', 'utf8'));`,
  );
});

t.test('realpath, stat, readdir, exists and opendir of denied paths', async (t) => {
  const r = await attempt(
    `${report}
import fs from 'node:fs';
report('realpathSync.native', () => fs.realpathSync.native('secret/key'));
report('statSync', () => fs.statSync('secret/key').size);
report('readdirSync', () => fs.readdirSync('secret'));
report('opendirSync', () => fs.opendirSync('secret'));
console.log(JSON.stringify({ how: 'existsSync', exists: fs.existsSync('secret/key') }));`,
  );
  t.equal(r.code, 0);
  const byHow = Object.fromEntries(r.json.map((j) => [j.how, j]));
  for (const how of ['realpathSync.native', 'statSync', 'readdirSync', 'opendirSync']) t.equal(byHow[how]?.code, 'ERR_PALISADE_DENIED', how);
  t.equal(byHow.existsSync?.exists, false, 'existsSync reports a denied path as absent, as it does for any failure');
});

t.test('callback, promise and stream forms fail the Node way', async (t) => {
  const r = await attempt(
    `import fs from 'node:fs';
fs.readFile('secret/key', (err, data) => console.log(JSON.stringify({ how: 'callback', code: err?.code, sync: false, data: data && String(data) })));
fs.promises.readFile('secret/key').then((d) => console.log('LEAK ' + d), (e) => console.log(JSON.stringify({ how: 'promise', code: e.code })));
fs.createReadStream('secret/key').on('data', (d) => console.log('LEAK ' + d)).on('error', (e) => console.log(JSON.stringify({ how: 'stream', code: e.code })));
fs.promises.open('secret/key').then(() => console.log('LEAK'), (e) => console.log(JSON.stringify({ how: 'filehandle', code: e.code })));
let sync = true; fs.stat('secret/key', (e) => console.log(JSON.stringify({ how: 'async-callback', code: e?.code, calledSync: sync }))); sync = false;`,
  );
  t.equal(r.code, 0);
  t.notMatch(output(r), SECRET);
  const byHow = Object.fromEntries(r.json.map((j) => [j.how, j]));
  for (const how of ['callback', 'promise', 'stream', 'filehandle', 'async-callback']) t.equal(byHow[how]?.code, 'ERR_PALISADE_DENIED', how);
  t.equal(byHow['async-callback']?.calledSync, false, 'the callback is never called synchronously');
});

t.test('requiring or importing a denied module file', async (t) => {
  await expectDenied(
    t,
    `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
report('require', () => require('./secret/mod.cjs'));
try { const m = await import('./secret/data.json', { with: { type: 'json' } }); console.log('LEAK ' + JSON.stringify(m)); } catch (e) { console.log(JSON.stringify({ how: 'import json', code: e.code })); }`,
  );
});

t.test('the audit log holds every deny the app saw', async (t) => {
  const r = await attempt(`import fs from 'node:fs';\nfor (const p of ['secret/key', '.env', 'data/.env']) { try { fs.readFileSync(p); } catch (e) { console.log(JSON.stringify({ how: p, code: e.code })); } }`);
  const denies = r.audit.filter((a) => a.type === 'decision' && a.action === 'deny');
  t.equal(r.json.length, 3, 'the app saw three denies');
  t.equal(denies.length, 3, 'and the audit log holds three');
  t.same(
    denies.map((d) => d.target),
    [join(r.dir, 'secret', 'key'), join(r.dir, '.env'), join(r.dir, 'data', '.env')],
  );
  t.ok(denies.every((d) => typeof d.prev === 'string' && d.rule !== undefined), 'chained records naming the rule');
});

t.test('control: without Palisade the same script does read the secret (the checks above can fail)', async (t) => {
  const r = await attempt(`${report}\nimport { readFileSync } from 'node:fs';\nreport('unprotected', () => readFileSync('secret/key', 'utf8'));`, { preload: 'none' });
  t.match(output(r), SECRET);
});

t.test('importing a denied file after the app registers its own off-thread module hooks', async (t) => {
  await expectDenied(
    t,
    `import { register } from 'node:module';
register('data:text/javascript,export async function load(u, c, next) { return next(u, c); }', import.meta.url);
try { const m = await import('./secret/data.json', { with: { type: 'json' } }); console.log('LEAK ' + JSON.stringify(m)); } catch (e) { console.log(JSON.stringify({ how: 'import json after register', code: e.code })); }`,
  );
});
