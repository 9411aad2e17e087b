import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { bundledOr } from '../src/index.js';

t.test('bundledOr: the build bundle of a module when it exists, else the module', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bundled-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const plain = pathToFileURL(join(dir, 'hook.js'));
  writeFileSync(join(dir, 'hook.js'), '');
  t.equal(bundledOr(plain).href, plain.href, 'no bundle: the module itself');
  writeFileSync(join(dir, 'hook.bundle.js'), '');
  t.equal(bundledOr(plain).href, pathToFileURL(join(dir, 'hook.bundle.js')).href, 'the bundle next to it');
  const other = pathToFileURL(join(dir, 'hook.mjs'));
  t.equal(bundledOr(other).href, other.href, 'only .js modules have bundles');
});

t.test('the build bundles the module-thread entries and the packages the preload loads', async (t) => {
  // The packages' dist/ is what tests run against; .taprc rebuilds the bundles before each run.
  const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
  for (const entry of ['palisade/dist/loader-thread.js', 'llm/dist/iitm-hook.js']) {
    const url = pathToFileURL(join(root, entry));
    t.match(bundledOr(url).href, /\.bundle\.js$/, `${entry} has its bundle`);
  }
  for (const name of ['core', 'node', 'llm']) {
    const pkg = JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8'));
    t.equal(pkg.exports['.'].default, './dist/bundle.js', `@palisade/${name} exports its bundle`);
    t.ok(existsSync(join(root, name, 'dist', 'bundle.js')), `@palisade/${name}: the bundle is built`);
  }
});
