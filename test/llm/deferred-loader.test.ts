import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { REPO_ROOT, runProtected } from '../helpers/protected.js';

// On Node 20 the hooks for ES-module imports of the SDKs need Node's module-customization thread. A CommonJS
// app gets it only once its code shows it may load an ES module; these check that every such way still ends
// with the ES-module copy of the SDK hooked (a model outside the allow list refused before any I/O), and that
// an app that only requires does not start it. On Node >= 22.15 the hooks run in-thread and nothing is deferred.
const inThread = (() => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 22 || (major === 22 && minor >= 15);
})();
const POLICY = { version: 1, mode: 'enforce', allow: { 'llm.model': ['gpt-4o'] } };
const STATE = `globalThis[Symbol.for('palisade.llm.loader')]`;
// A dead loopback port: a refused model fails before any connection; anything else fails to connect.
const ASK = (OpenAI: string) =>
  `new ${OpenAI}({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'gpt-5', messages: [] }).then(() => 'sent', (e) => e.code ?? e.name)`;

t.test('a CommonJS app that only requires the SDK: no loader thread, the SDK hooked', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    // JSDoc type imports and member calls named import are not ES-module loads.
    script: `/** @param {import('openai').OpenAI} c */
const hookLoaded = Object.keys(require.cache).some((k) => k.includes('require-in-the-middle'));
const OpenAI = require('openai');
const importHookLoaded = Object.keys(require.cache).some((k) => k.includes('import-in-the-middle'));
const registry = { import: (x) => x };
registry.import('x');
${ASK('OpenAI')}.then((denied) => console.log(JSON.stringify({ hookLoaded, importHookLoaded, state: ${STATE}, denied })));`,
  });
  t.equal(r.code, 0, r.stderr);
  // require-in-the-middle itself loads only with the first require that may reach an SDK; import-in-the-middle
  // only with the loader that feeds it (in-thread hooks on Node >= 22.15 start with the process).
  t.same(r.json[0], { hookLoaded: false, importHookLoaded: inThread, state: inThread ? 'sync' : 'deferred', denied: 'ERR_PALISADE_DENIED' });
});

t.test('a dynamic import in a required CommonJS module starts the loader before it runs', async (t) => {
  const r = await runProtected({
    // A restrictive fs.read allow list: starting the loader late is Palisade's own I/O, never the app's decision.
    policy: { ...POLICY, allow: { ...POLICY.allow, 'fs.read': ['${cwd}/**'] }, audit: { path: '${cwd}/palisade-audit.jsonl' } },
    scriptName: 'app.cjs',
    files: { 'lib/ask.cjs': `module.exports = async () => { const { default: OpenAI } = await import /* the ES build */ ('openai'); return ${ASK('OpenAI')}; };` },
    script: `const before = ${STATE};
require('./lib/ask.cjs')().then((denied) => console.log(JSON.stringify({ before, after: ${STATE}, denied })));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { before: inThread ? 'sync' : 'deferred', after: inThread ? 'sync' : 'async', denied: 'ERR_PALISADE_DENIED' });
  t.ok(r.audit.length > 0, 'the audit log was written');
  t.same(
    r.audit.filter((a) => a.type === 'decision' && a.capability === 'fs.read'),
    [],
    'no fs.read decision recorded for Palisade finding its loader hook',
  );
});

t.test('require() of an ES module that imports the SDK starts the loader too', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    files: {
      'node_modules/esm-client/package.json': JSON.stringify({ name: 'esm-client', type: 'module', exports: './index.js' }),
      'node_modules/esm-client/index.js': `import OpenAI from 'openai';\nexport const ask = () => ${ASK('OpenAI')};`,
    },
    script: `let loaded;
try { loaded = require('esm-client'); } catch (e) { console.log(JSON.stringify({ requireEsm: e.code })); process.exit(0); }
loaded.ask().then((denied) => console.log(JSON.stringify({ state: ${STATE}, denied })));`,
  });
  t.equal(r.code, 0, r.stderr);
  const j = r.json[0]!;
  // Node < 20.19 cannot require() an ES module at all: then Node's own refusal is what the app sees.
  if ('requireEsm' in j) t.equal(j.requireEsm, 'ERR_REQUIRE_ESM');
  else {
    t.equal(j.state, inThread ? 'sync' : 'async', 'the loader runs from the require() on');
    // On Node 20 the module graph a require() loads does not pass through off-thread hooks at all (started
    // early or late alike): the SDK copy it imports is hooked only where the hooks run in-thread.
    if (inThread) t.equal(j.denied, 'ERR_PALISADE_DENIED');
  }
});

t.test("the app's own module.register starts the SDK loader with it", async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    files: { 'hooks.mjs': 'export async function resolve(s, c, next) { return next(s, c); }' },
    script: `const before = ${STATE};
require('node:module').register('./hooks.mjs', require('node:url').pathToFileURL(__filename));
const after = ${STATE};
const load = (s) => eval('im' + 'port(s)'); // built at run time: no source shows it
load('openai').then(({ default: OpenAI }) => ${ASK('OpenAI')}).then((denied) => console.log(JSON.stringify({ before, after, denied })));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { before: inThread ? 'sync' : 'deferred', after: inThread ? 'sync' : 'async', denied: 'ERR_PALISADE_DENIED' });
});

t.test('an ES-module entry point or another --import gets the loader from the start', async (t) => {
  const esm = await runProtected({ policy: POLICY, script: `console.log(JSON.stringify({ state: ${STATE} }));` });
  t.equal(esm.code, 0, esm.stderr);
  t.same(esm.json[0], { state: inThread ? 'sync' : 'async' });
  const other = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    files: { 'setup.mjs': 'globalThis.setupRan = true;' },
    nodeArgs: ['--import', './setup.mjs'],
    script: `console.log(JSON.stringify({ state: ${STATE}, setup: globalThis.setupRan }));`,
  });
  t.equal(other.code, 0, other.stderr);
  t.same(other.json[0], { state: inThread ? 'sync' : 'async', setup: true });
});

t.test('a CommonJS app where no SDK resolves: no loader thread, even once its code shows an import', { skip: inThread && 'in-thread hooks: nothing deferred' }, async (t) => {
  // Outside the repository, so that neither openai nor @anthropic-ai/sdk resolves from the app.
  const dir = mkdtempSync(join(tmpdir(), 'palisade-no-sdk-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'lib.mjs'), 'export const value = 1;\n');
  writeFileSync(join(dir, 'load.cjs'), "module.exports = () => import('./lib.mjs');\n");
  writeFileSync(join(dir, 'app.cjs'), `const before = ${STATE};
require('./load.cjs')().then((m) => console.log(JSON.stringify({ before, after: ${STATE}, value: m.value })));`);
  const register = join(REPO_ROOT, 'packages', 'palisade', 'dist', 'register.bundle.js');
  const env: Record<string, string | undefined> = { ...process.env, PALISADE_MODE: 'monitor', PALISADE_AUDIT: 'off' };
  delete env.NODE_PATH; // the test runner's, through which the repository's SDKs would resolve
  delete env.PALISADE_POLICY;
  // `env -u`: the test runner adds its own --import to every child's NODE_OPTIONS (see runProtected).
  const r = spawnSync('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, '--import', pathToFileURL(register).href, 'app.cjs'], { cwd: dir, env, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout), { before: 'deferred', after: 'no-sdk', value: 1 });
});
