import fc from 'fast-check';
import t from 'tap';
import { nodeOptionValue, registerPreload, splitNodeOptions } from '@palisade/core';
import { checkPreload, packageOf, sensitivePackages, withoutRegister } from '../src/preload-check.js';

const REG = '/app/node_modules/palisade/dist/register.js';

t.test('package names from module paths', async (t) => {
  t.equal(packageOf('/a/node_modules/openai/index.js'), 'openai');
  t.equal(packageOf('/a/node_modules/.pnpm/openai@4.0.0/node_modules/openai/core.js'), 'openai');
  t.equal(packageOf('/a/node_modules/@anthropic-ai/sdk/index.js'), '@anthropic-ai/sdk');
  t.equal(packageOf('/a/node_modules/x/node_modules/undici/index.js'), 'undici');
  t.equal(packageOf('/a/src/app.js'), undefined);
  t.same(sensitivePackages(['/a/node_modules/axios/a.js', '/a/node_modules/axios/b.js', '/a/node_modules/lodash/x.js', '/a/node_modules/execa/i.js']), ['axios', 'execa']);
});

t.test('the preload flag for a register module, and NODE_OPTIONS values that read back as written', async (t) => {
  t.same(registerPreload('/app/dist/register.cjs', false), ['--require', '/app/dist/register.cjs'], 'CommonJS: --require on any Node');
  t.same(registerPreload('/app/dist/register.js', false), ['--import', 'file:///app/dist/register.js'], 'an ES module where require(esm) may be missing');
  t.same(registerPreload('/app/dist/register.js', true), ['--require', '/app/dist/register.js']);
  t.equal(nodeOptionValue('/plain/path.cjs'), '/plain/path.cjs');
  t.equal(nodeOptionValue('/a dir/"q"\\x.cjs'), '"/a dir/\\"q\\"\\\\x.cjs"');
  // Whatever the path, splitting what Palisade writes gives back the flag and the path.
  fc.assert(
    fc.property(fc.string({ minLength: 1 }).filter((p) => !p.includes('\0')), (path) => {
      const parts = splitNodeOptions(`--require ${nodeOptionValue(path)} --max-old-space-size=64`);
      return parts.length === 3 && parts[0] === '--require' && parts[1] === path && parts[2] === '--max-old-space-size=64';
    }),
    { numRuns: 2000 },
  );
});

t.test('NODE_OPTIONS is split as Node splits it', async (t) => {
  t.same(splitNodeOptions('--import palisade/register  --max-old-space-size=100'), ['--import', 'palisade/register', '--max-old-space-size=100']);
  t.same(splitNodeOptions('--import="/a b/register.js" -r x'), ['--import=/a b/register.js', '-r', 'x']);
  t.same(splitNodeOptions('"a\\"b"'), ['a"b']);
  t.same(splitNodeOptions(''), []);
});

t.test('preloaded: --import / --require on the command line or in NODE_OPTIONS, by name or path', async (t) => {
  const preloaded = (execArgv: string[], NODE_OPTIONS?: string) =>
    checkPreload({ execArgv, env: { NODE_OPTIONS }, loaded: [], registerPath: REG, emit: false }).preloaded;
  t.ok(preloaded(['--import', 'palisade/register']));
  t.ok(preloaded(['--require', 'palisade/register']));
  t.ok(preloaded(['-r', 'palisade/register']));
  t.ok(preloaded(['--import=palisade/register']));
  t.ok(preloaded(['--require', REG]));
  t.ok(preloaded(['--import', 'file:///app/node_modules/palisade/dist/register.js']));
  // The build's files behind palisade/register: the --import entry and the CommonJS preload.
  t.ok(preloaded(['--import', '/app/node_modules/palisade/dist/register.bundle.js']));
  t.ok(preloaded(['--require', '/app/node_modules/palisade/dist/register.cjs']));
  t.notOk(preloaded(['--require', '/app/node_modules/palisade/dist/register.bundle.cjs']), 'the bundle itself is not a way to preload');
  t.ok(preloaded([], `--import=${JSON.stringify(REG)}`), 'the palisade run CLI form');
  t.notOk(preloaded([]));
  t.notOk(preloaded(['--import', 'tsx']));
  t.notOk(preloaded(['--import', 'not-palisade/register-x']));
});

t.test('warnings: started from code, sensitive modules loaded first, --expose-internals', async (t) => {
  const r1 = checkPreload({ execArgv: [], env: {}, loaded: ['/a/node_modules/openai/index.js'], emit: false });
  t.same(r1, { preloaded: false, loadedBefore: ['openai'], exposeInternals: false, warned: ['PALISADE_PRELOAD'] });
  const r2 = checkPreload({ execArgv: ['--import', 'palisade/register'], env: {}, loaded: [], emit: false });
  t.same(r2.warned, [], 'preloaded with nothing before it: quiet');
  const r3 = checkPreload({ execArgv: ['--expose-internals', '--import', 'palisade/register'], env: {}, loaded: [], emit: false });
  t.same(r3.warned, ['PALISADE_EXPOSE_INTERNALS']);
  const warnings: Array<Error & { code?: string }> = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(w);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  checkPreload({ execArgv: ['--require', 'palisade/register'], env: {}, loaded: ['/a/node_modules/undici/index.js'] });
  await new Promise((r) => setImmediate(r));
  t.equal(warnings.length, 1);
  t.equal(warnings[0]?.code, 'PALISADE_PRELOAD');
  t.match(warnings[0]?.message, /undici/);
  t.match(warnings[0]?.message, /--import palisade\/register/);
});

t.test('worker execArgv: inherited preloads of the register module are dropped (the worker gets its own)', async (t) => {
  t.same(withoutRegister(['--import', 'palisade/register', '--enable-source-maps', `--require=${REG}`, '-r', 'other'], REG), ['--enable-source-maps', '-r', 'other']);
});
