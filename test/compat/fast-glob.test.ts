import t from 'tap';
import { compare } from './compat.js';

// fast-glob: sync, async and stream APIs over a tree with dotfiles, symlinks and ignores; bad patterns and missing cwd.
await compare(t, 'fast-glob', {
  files: { 'tree/a.js': '', 'tree/b.ts': '', 'tree/.hidden/c.js': '', 'tree/deep/er/d.js': '', 'tree/deep/e.md': '', 'tree/node_modules/m/x.js': '' },
  body: String.raw`
  const fg = await load('fast-glob');
  require_fs().symlinkSync('deep', 'tree/link');
  const sorted = (list) => list.map(String).sort();
  await step('sync **/*.js', () => sorted(fg.sync('tree/**/*.js')));
  await step('async with dot and ignore', async () => sorted(await fg.glob('**/*', { cwd: 'tree', dot: true, ignore: ['node_modules/**'] })));
  await step('stream', async () => { const seen = []; for await (const e of fg.stream('tree/*.{js,ts}')) seen.push(e); return sorted(seen); });
  await step('onlyDirectories, deep', async () => sorted(await fg.glob('tree/**', { onlyDirectories: true, deep: 2 })));
  await step('followSymbolicLinks false', async () => sorted(await fg.glob('tree/link/**', { followSymbolicLinks: false })));
  await step('objectMode with stats', async () => (await fg.glob('tree/*.js', { objectMode: true, stats: true })).map((e) => [e.name, e.stats.isFile()]));
  await step('absolute', async () => sorted(await fg.glob('tree/deep/*.md', { absolute: true })));
  await step('escapePath and isDynamicPattern', () => [fg.escapePath('a(b)*'), fg.isDynamicPattern('a/*'), fg.isDynamicPattern('a/b')]);
  // failures
  await step('missing cwd', () => fg.glob('*', { cwd: 'no/such/dir' }));
  await step('missing cwd, errors surfaced', () => fg.glob('*', { cwd: 'no/such/dir', suppressErrors: false, throwErrorOnBrokenSymbolicLink: true }));
  await step('pattern of a wrong type', () => fg.glob(42));
  await step('sync with a bad option', () => fg.sync('*', { deep: 'x', cwd: 42 }));
  await step('broken symlink', async () => { require_fs().symlinkSync('nowhere', 'tree/broken'); return sorted(await fg.glob('tree/broken', { throwErrorOnBrokenSymbolicLink: true, stats: true })); });
`,
});
