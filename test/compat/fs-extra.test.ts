import t from 'tap';
import { compare } from './compat.js';

// fs-extra: directories, JSON, copies and moves, and its failures (ENOENT, EEXIST, ENOTDIR, bad arguments).
await compare(t, 'fs-extra', {
  files: { 'src/a.txt': 'alpha', 'src/nested/b.json': '{"b":1}', 'file.txt': 'plain' },
  body: String.raw`
  const fse = await load('fs-extra');
  await step('ensureDir', () => fse.ensureDir('out/deep/er').then(() => fse.pathExists('out/deep/er')));
  await step('outputFile', () => fse.outputFile('out/x/y.txt', 'hello').then(() => fse.readFile('out/x/y.txt', 'utf8')));
  await step('writeJson+readJson', async () => { await fse.writeJson('out/j.json', { a: [1, 2] }, { spaces: 2 }); return fse.readJson('out/j.json'); });
  await step('readJsonSync', () => fse.readJsonSync('src/nested/b.json'));
  await step('copy dir', async () => { await fse.copy('src', 'copy'); return (await fse.readdir('copy')).sort(); });
  await step('copySync with filter', () => { fse.copySync('src', 'copy2', { filter: (p) => !p.endsWith('.json') }); return fse.readdirSync('copy2/nested'); });
  await step('move', async () => { await fse.move('copy/a.txt', 'moved/a.txt'); return [await fse.pathExists('copy/a.txt'), await fse.readFile('moved/a.txt', 'utf8')]; });
  await step('emptyDir', async () => { await fse.emptyDir('copy'); return fse.readdir('copy'); });
  await step('remove', async () => { await fse.remove('copy2'); return fse.pathExists('copy2'); });
  await step('ensureFile/ensureLink/ensureSymlink', async () => { await fse.ensureFile('out/e/f.txt'); await fse.ensureSymlink('file.txt', 'out/link.txt'); return fse.readFile('out/link.txt', 'utf8'); });
  await step('stat through fs-extra', async () => (await fse.stat('file.txt')).size);
  // failures
  await step('readJson missing', () => fse.readJson('nope.json'));
  await step('readJson invalid', async () => { await fse.outputFile('bad.json', '{'); return fse.readJson('bad.json'); });
  await step('copy missing source', () => fse.copy('nope', 'x'));
  await step('move onto existing', () => fse.move('file.txt', 'src/a.txt'));
  await step('ensureDir over a file', () => fse.ensureDir('file.txt/sub'));
  await step('mkdirsSync over a file', () => fse.mkdirsSync('file.txt'));
  await step('readFile bad argument', () => fse.readFile(12345.5));
  await step('outputJson circular', () => { const o = {}; o.o = o; return fse.outputJson('c.json', o); });
  await step('copySync into itself', () => fse.copySync('src', 'src/inside'));
  await step('remove missing', () => fse.remove('never/there'));
  await step('pathExistsSync', () => [fse.pathExistsSync('src'), fse.pathExistsSync('missing')]);
`,
});
