import t from 'tap';
import { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC, SECRET, attempt, output, prepare } from '../helpers/bypass.js';

// Writes are allowed only under out/; reads of secret/ and any .env are denied.
const report = `const report = (how, f) => { try { const v = f(); console.log(JSON.stringify({ how, got: String(v) })); } catch (e) { console.log(JSON.stringify({ how, code: e.code })); } };`;

function codes(r: { json: Array<Record<string, unknown>> }): Record<string, unknown> {
  return Object.fromEntries(r.json.map((j) => [j.how, j.code ?? j.got]));
}

t.test('fs.cp of a denied file, and of an allowed directory holding one', async (t) => {
  const r = await attempt(
    `${report}
import fs from 'node:fs';
report('cpSync file', () => fs.cpSync('secret/key', 'out/key'));
report('cpSync dir', () => fs.cpSync('data', 'out/data', { recursive: true }));
report('cpSync with filter', () => fs.cpSync('data', 'out/data2', { recursive: true, filter: () => true }));
await fs.promises.cp('data', 'out/data3', { recursive: true }).then(() => console.log(JSON.stringify({ how: 'promises.cp', got: 'copied' })), (e) => console.log(JSON.stringify({ how: 'promises.cp', code: e.code })));
fs.cp('secret', 'out/secret', { recursive: true }, (e) => console.log(JSON.stringify({ how: 'cp callback', code: e?.code })));`,
  );
  t.equal(r.code, 0, r.stderr);
  const c = codes(r);
  for (const how of ['cpSync file', 'cpSync dir', 'cpSync with filter', 'promises.cp', 'cp callback']) t.equal(c[how], 'ERR_PALISADE_DENIED', how);
  t.notOk(existsSync(join(r.dir, 'out', 'key')));
  t.notOk(existsSync(join(r.dir, 'out', 'secret', 'key')));
  for (const d of ['data', 'data2', 'data3']) t.notOk(existsSync(join(r.dir, 'out', d, '.env')), `out/${d}/.env not copied`);
  t.notMatch(output(r), SECRET);
});

t.test('a hard link to a denied file placed in an allowed directory', async (t) => {
  const r = await attempt(`${report}\nimport fs from 'node:fs';\nreport('link', () => fs.linkSync('secret/key', 'out/hl'));\nreport('read', () => fs.readFileSync('out/hl', 'utf8'));`);
  t.equal(codes(r).link, 'ERR_PALISADE_DENIED');
  t.notOk(existsSync(join(r.dir, 'out', 'hl')), 'no link was made');
  t.notMatch(output(r), SECRET);
});

t.test('renaming a denied file into an allowed directory', async (t) => {
  const r = await attempt(`${report}\nimport fs from 'node:fs';\nreport('rename', () => fs.renameSync('secret/key', 'out/key'));`);
  t.equal(codes(r).rename, 'ERR_PALISADE_DENIED');
  t.ok(existsSync(join(r.dir, 'secret', 'key')), 'the file stayed');
  t.notOk(existsSync(join(r.dir, 'out', 'key')));
});

t.test('a read API with a writing flag, and numeric open flags', async (t) => {
  const r = await attempt(
    `${report}
import fs from 'node:fs';
report('readFileSync flag w', () => fs.readFileSync('public.txt', { flag: 'w' }));
report('openSync O_RDONLY|O_TRUNC', () => fs.openSync('public.txt', fs.constants.O_RDONLY | fs.constants.O_TRUNC));
report('openSync r+', () => fs.openSync('public.txt', 'r+'));
report('truncateSync', () => fs.truncateSync('public.txt'));
report('createWriteStream', () => { fs.createWriteStream('public.txt', { flags: 'a' }).on('error', (e) => console.log(JSON.stringify({ how: 'stream error', code: e.code }))); return 'stream'; });`,
  );
  const c = codes(r);
  for (const how of ['readFileSync flag w', 'openSync O_RDONLY|O_TRUNC', 'openSync r+', 'truncateSync', 'stream error']) t.equal(c[how], 'ERR_PALISADE_DENIED', how);
  t.equal(readFileSync(join(r.dir, 'public.txt'), 'utf8'), PUBLIC, 'public.txt is untouched');
});

t.test('writes outside the writable directory, in every form', async (t) => {
  const r = await attempt(
    `${report}
import fs from 'node:fs';
report('writeFileSync', () => fs.writeFileSync('marker', 'x'));
report('appendFileSync', () => fs.appendFileSync('marker', 'x'));
report('mkdirSync', () => fs.mkdirSync('newdir'));
report('mkdtempSync', () => fs.mkdtempSync('tmp-'));
report('symlinkSync', () => fs.symlinkSync('secret/key', 'sl'));
report('unlinkSync', () => fs.unlinkSync('public.txt'));
report('rmSync', () => fs.rmSync('data', { recursive: true }));
report('chmodSync', () => fs.chmodSync('public.txt', 0o777));
report('utimesSync', () => fs.utimesSync('public.txt', 1, 1));
report('out/ is writable', () => { fs.writeFileSync('out/ok', 'x'); return 'written'; });
fs.writeFile('marker2', 'x', (e) => console.log(JSON.stringify({ how: 'writeFile callback', code: e?.code })));
await fs.promises.writeFile('marker3', 'x').catch((e) => console.log(JSON.stringify({ how: 'promises.writeFile', code: e.code })));`,
  );
  const c = codes(r);
  for (const how of ['writeFileSync', 'appendFileSync', 'mkdirSync', 'mkdtempSync', 'symlinkSync', 'unlinkSync', 'rmSync', 'chmodSync', 'utimesSync', 'writeFile callback', 'promises.writeFile']) {
    t.equal(c[how], 'ERR_PALISADE_DENIED', how);
  }
  t.equal(c['out/ is writable'], 'written');
  const names = readdirSync(r.dir);
  for (const n of ['marker', 'marker2', 'marker3', 'newdir', 'sl']) t.notOk(names.includes(n), `${n} not created`);
  t.notOk(names.some((n) => n.startsWith('tmp-')), 'no temp dir');
  t.ok(existsSync(join(r.dir, 'public.txt')) && existsSync(join(r.dir, 'data', 'notes.txt')), 'nothing removed');
});

t.test('regression: a child process swaps a checked path for a symlink to a denied file', async (t) => {
  // The child's change is invisible to the fs sensor: the cache is dropped when the child exits.
  const dir = prepare();
  symlinkSync(join(dir, 'public.txt'), join(dir, 'out', 'p'));
  symlinkSync(join(dir, 'public.txt'), join(dir, 'out', 'a'));
  const r = await attempt(
    `${report}
import fs from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
report('before', () => fs.readFileSync('out/p', 'utf8'));
execFileSync('ln', ['-sfn', process.cwd() + '/secret/key', 'out/p']);
report('after a sync child', () => fs.readFileSync('out/p', 'utf8'));
report('before async', () => fs.readFileSync('out/a', 'utf8'));
await new Promise((resolve) => spawn('ln', ['-sfn', process.cwd() + '/secret/key', 'out/a']).on('exit', resolve));
report('after an async child', () => fs.readFileSync('out/a', 'utf8'));`,
    { dir },
  );
  const c = codes(r);
  t.equal(c.before, PUBLIC, 'the allowed read worked and was cached');
  t.equal(c['before async'], PUBLIC);
  t.equal(c['after a sync child'], 'ERR_PALISADE_DENIED');
  t.equal(c['after an async child'], 'ERR_PALISADE_DENIED');
  t.notMatch(output(r), SECRET);
});

t.test('swapping a checked path for a symlink to a denied file (cache invalidation)', async (t) => {
  const dir = prepare();
  symlinkSync(join(dir, 'public.txt'), join(dir, 'out', 'p'));
  const r = await attempt(
    `${report}
import fs from 'node:fs';
report('before', () => fs.readFileSync('out/p', 'utf8'));
fs.unlinkSync('out/p');
fs.symlinkSync(process.cwd() + '/secret/key', 'out/p');
report('after swap', () => fs.readFileSync('out/p', 'utf8'));
fs.renameSync('out/p', 'out/q');
fs.symlinkSync(process.cwd() + '/secret', 'out/p');
report('dir swap', () => fs.readFileSync('out/p/key', 'utf8'));`,
    { dir },
  );
  const c = codes(r);
  t.equal(c.before, PUBLIC, 'the allowed read worked and was cached');
  t.equal(c['after swap'], 'ERR_PALISADE_DENIED');
  t.equal(c['dir swap'], 'ERR_PALISADE_DENIED');
  t.notMatch(output(r), SECRET);
});
