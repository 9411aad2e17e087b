/**
 * The bundles `palisade/register` loads are compiled with V8's code cache (scripts/cached-entry.cjs,
 * written next to each bundle by the build): used when it was made from this exact source by this
 * Node version, never otherwise, and the code that runs is the bundle's either way.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { REPO_ROOT, runProtected } from '../helpers/protected.js';

const STATES = `globalThis[Symbol.for('palisade.codeCache')]`;
const BUNDLES = ['palisade/dist/register.bundle.cjs', 'core/dist/bundle.cjs', 'node/dist/bundle.cjs', 'llm/dist/bundle.cjs'];

/** Whether the build's cache for `bundle` was made by this Node version (the test runner rebuilds before each run). */
function builtHere(bundle: string): boolean {
  const header = readFileSync(join(REPO_ROOT, 'packages', `${bundle}.v8cache`)).toString('latin1', 0, 200).split('\n')[0]!;
  return header.split(' ')[2] === process.version;
}

/** Where V8's data starts in a cache file: after the header line and the copy of the source it names the length of. */
function dataOffset(cache: Buffer): number {
  const headerEnd = cache.indexOf(10) + 1;
  return headerEnd + Number(cache.toString('latin1', 0, headerEnd - 1).split(' ')[4]);
}

/** `cache` with V8's data overwritten (the header and the source copy kept). */
function corrupted(cache: Buffer): Buffer {
  const at = dataOffset(cache);
  return Buffer.concat([cache.subarray(0, at), Buffer.alloc(cache.length - at, 0x5a)]);
}

for (const preload of ['import', 'require'] as const) {
  t.test(`--${preload} palisade/register compiles its bundles from the code cache`, async (t) => {
    const r = await runProtected({
      preload,
      policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
      scriptName: 'app.cjs',
      files: { '.env': 'x' },
      script: `let denied; try { require('fs').readFileSync('.env'); } catch (e) { denied = e.code; }
console.log(JSON.stringify({ denied, states: ${STATES} }));`,
    });
    t.equal(r.code, 0, r.stderr);
    const { denied, states } = r.json[0] as { denied: string; states: Record<string, string> };
    t.equal(denied, 'ERR_PALISADE_DENIED', 'protection as ever');
    for (const b of BUNDLES) {
      // Bundled from ES modules, which are strict: so is each bundle, as a whole.
      t.ok(readFileSync(join(REPO_ROOT, 'packages', b), 'utf8').startsWith('"use strict";'), `${b} is strict`);
      const state = states[join(REPO_ROOT, 'packages', b)];
      if (builtHere(b)) t.equal(state, 'cached', b);
      else t.ok(state === 'stale' || state === 'user-cached', `${b}: the build's cache is another Node version's, so it is not used (${state})`);
    }
  });
}

t.test("in-thread SDK hooks load import-in-the-middle from Palisade's code-cached bundle; without them it is not loaded", async (t) => {
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
    scriptName: 'app.cjs',
    script: `const iitm = Object.keys(require.cache).filter((k) => k.includes('import-in-the-middle'));
console.log(JSON.stringify({ loader: globalThis[Symbol.for('palisade.llm.loader')], iitm, states: ${STATES} }));`,
  });
  t.equal(r.code, 0, r.stderr);
  const { loader, iitm, states } = r.json[0] as { loader: string; iitm: string[]; states: Record<string, string> };
  const state = states[join(REPO_ROOT, 'packages', 'llm', 'dist', 'iitm-sync.bundle.cjs')];
  if (typeof (await import('node:module')).default.registerHooks !== 'function') {
    t.equal(loader, 'deferred', 'Node 20, a CommonJS app: the off-thread loader waits');
    t.equal(state, undefined, 'the in-thread bundle is not loaded');
  } else {
    t.equal(loader, 'sync');
    t.ok(state === 'cached' || state === 'user-cached', `compiled from a code cache (${state})`);
  }
  t.same(iitm.filter((f) => f.endsWith('.mjs')), [], "none of import-in-the-middle's own ES modules loaded");
});

t.test('with an OTLP exporter configured, the OpenTelemetry SDK loads from its code-cached bundle', async (t) => {
  const sdk = 'palisade/dist/otel-sdk.bundle.cjs';
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
    scriptName: 'app.cjs',
    // A closed port: the one deny makes a span, which is lost at exit; the process must not mind.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    files: { '.env': 'x' },
    script: `let denied; try { require('fs').readFileSync('.env'); } catch (e) { denied = e.code; }
const separate = Object.keys(require.cache).filter((k) => /@opentelemetry[\\/](api|sdk-trace-base|resources|core)[\\/]/.test(k));
console.log(JSON.stringify({ denied, separate, states: ${STATES} }));`,
  });
  t.equal(r.code, 0, r.stderr);
  const { denied, separate, states } = r.json[0] as { denied: string; separate: string[]; states: Record<string, string> };
  t.equal(denied, 'ERR_PALISADE_DENIED');
  t.same(separate, [], 'no OpenTelemetry package loaded from its own files');
  const state = states[join(REPO_ROOT, 'packages', sdk)];
  if (builtHere(sdk)) t.equal(state, 'cached', sdk);
  else t.ok(state === 'stale' || state === 'user-cached', `${sdk}: ${state}`);
});

t.test('each @palisade package is resolved once at start-up: the bundles share what the first one loaded', async (t) => {
  const r = await runProtected({
    preload: 'none',
    // Counts Node's resolutions of @palisade/* from before palisade/register loads.
    nodeArgs: ['-r', './trace.cjs', '--import', 'palisade/register'],
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
    scriptName: 'app.cjs',
    files: {
      'trace.cjs': `const M = require('module'); const original = M._resolveFilename; globalThis.resolved = [];
M._resolveFilename = function (request) { if (String(request).startsWith('@palisade/')) globalThis.resolved.push(request); return original.apply(this, arguments); };`,
    },
    script: `const registry = globalThis[Symbol.for('palisade.packages')];
console.log(JSON.stringify({ resolved: globalThis.resolved.sort(), registered: [...registry.keys()].map((k) => k.replace(/@[^@]+$/, '')).sort() }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], {
    resolved: ['@palisade/core', '@palisade/detectors', '@palisade/llm', '@palisade/node'],
    registered: ['@palisade/core', '@palisade/llm', '@palisade/node'],
  }, '@palisade/core once (by palisade/register), not again by @palisade/node and @palisade/llm; the detectors only located');
});

t.test('the OpenTelemetry bundle holds what Palisade uses, not the metrics SDK or every semantic convention', async (t) => {
  const sdk = readFileSync(join(REPO_ROOT, 'packages', 'palisade', 'dist', 'otel-sdk.bundle.cjs'), 'utf8');
  const inlined = new Set([...sdk.matchAll(/^\/\/ node_modules\/.*?node_modules\/(@opentelemetry\/[a-z-]+)\//gm)].map((m) => m[1]));
  t.ok(inlined.has('@opentelemetry/sdk-trace-base') && inlined.has('@opentelemetry/exporter-trace-otlp-proto'), [...inlined].join(' '));
  t.notOk(inlined.has('@opentelemetry/sdk-metrics'), 'no metrics SDK (the OTLP transformer imports it for metrics only)');
  t.ok(sdk.length < 400_000, `${sdk.length} bytes: the packages' ES builds, so what is unused is left out (762 KB from their CommonJS builds)`);
});

t.test('@palisade/core is one instance for import and require', async (t) => {
  const req = createRequire(join(REPO_ROOT, 'packages', 'palisade', 'package.json'));
  const viaRequire = req('@palisade/core') as { activeRuntime: unknown; Runtime: unknown };
  const viaImport = (await import(pathToFileURL(req.resolve('@palisade/core').replace(/entry\.cjs$/, 'bundle.js')).href)) as typeof viaRequire;
  t.equal(viaImport.activeRuntime, viaRequire.activeRuntime);
  t.equal(viaImport.Runtime, viaRequire.Runtime);
});

/**
 * A directory with an entry made from the template over a one-line bundle (`bundle(n)` rewrites it), and
 * `load(env, pre)`, which requires it in a fresh process (its temporary directory inside this one) and
 * reports what it exported and how it was compiled.
 */
function entryFixture(t: Test, baseEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-code-cache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const template = readFileSync(join(REPO_ROOT, 'scripts', 'cached-entry.cjs'), 'utf8');
  writeFileSync(join(dir, 'entry.cjs'), template.replace("'__BUNDLE__'", JSON.stringify('bundle.cjs')).replace("'__PACKAGE__'", 'null'));
  const temp = join(dir, 'tmp');
  mkdirSync(temp);
  const bundle = (n: number) => writeFileSync(join(dir, 'bundle.cjs'), `module.exports = { value: ${n} + 1 };\n`);
  const load = (env: Record<string, string> = {}, pre = '') => {
    const code = `${pre}const m = { ...require('./entry.cjs') }; console.log(JSON.stringify({ m, state: Object.values(${STATES})[0] }));`;
    const r = spawnSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: temp, ...baseEnv, ...env } });
    t.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { m: { value: number }; state: string };
  };
  return { dir, temp, bundle, load };
}

t.test('the entry uses a cache only for the exact source and Node version that made it', async (t) => {
  // The build's cache alone here (this user's own cache has its test below).
  const { dir, bundle, load } = entryFixture(t, { PALISADE_CODE_CACHE: 'off' });

  bundle(1);
  t.same(load(), { m: { value: 2 }, state: 'none' }, 'no cache yet: compiled from source');
  t.same(load({ PALISADE_WRITE_CODE_CACHE: '1' }).state, 'none', 'the warm-up run writes it');
  t.same(load(), { m: { value: 2 }, state: 'cached' }, 'then it is used');

  bundle(7); // same length: V8 alone would accept the old cache
  t.same(load(), { m: { value: 8 }, state: 'stale' }, 'a changed source is compiled afresh, never run from the old cache');

  load({ PALISADE_WRITE_CODE_CACHE: '1' });
  const cacheFile = join(dir, 'bundle.cjs.v8cache');
  const good = readFileSync(cacheFile);
  const headerEnd = good.indexOf(10) + 1;
  t.equal(good.subarray(headerEnd, dataOffset(good)).toString(), readFileSync(join(dir, 'bundle.cjs'), 'utf8'), 'the cache holds the source it was made from');
  writeFileSync(cacheFile, corrupted(good));
  t.same(load(), { m: { value: 8 }, state: 'rejected' }, 'a corrupt cache is refused by V8, the source runs');

  writeFileSync(cacheFile, Buffer.concat([Buffer.from(good.subarray(0, headerEnd).toString('latin1').replace(process.version, 'v0.0.0'), 'latin1'), good.subarray(headerEnd)]));
  t.equal(load().state, 'stale', "another Node version's cache is not offered to V8");

  writeFileSync(cacheFile, good);
  // Loaded after Palisade's fs sensors are in place: read by Node's own loader (its module rules apply), no cache.
  const sensed = `const fs = require('fs'); globalThis[Symbol.for('palisade.wrappers')] = new WeakSet([fs.readFileSync]);`;
  t.same(load({}, sensed), { m: { value: 8 }, state: 'plain' });
});

t.test("a Node version the build did not run gets this user's own cache, written by its first process", async (t) => {
  const { dir, temp, bundle, load } = entryFixture(t, {});
  const userDir = join(temp, `palisade-${process.getuid!()}`, 'code-cache');
  const userCaches = () => (existsSync(userDir) ? readdirSync(userDir) : []);

  bundle(1);
  // The build's cache, made by another Node version: not used.
  load({ PALISADE_WRITE_CODE_CACHE: '1' });
  const buildCache = join(dir, 'bundle.cjs.v8cache');
  const built = readFileSync(buildCache);
  writeFileSync(buildCache, Buffer.from(built.toString('latin1').replace(process.version, 'v0.0.0'), 'latin1'));
  t.same(load(), { m: { value: 2 }, state: 'stale' }, 'first process: compiled from source');
  t.equal(userCaches().length, 1, 'and it wrote a cache for this Node version');
  t.equal(statSync(join(userDir, userCaches()[0]!)).mode & 0o777, 0o600, 'readable by this user only');
  t.same(load(), { m: { value: 2 }, state: 'user-cached' }, 'the next one uses it');

  bundle(7); // same length: V8 alone would accept the old cache
  t.same(load(), { m: { value: 8 }, state: 'stale' }, 'a changed source never runs from the old cache');
  t.same(load(), { m: { value: 8 }, state: 'user-cached' }, 'it gets a cache of its own');

  for (const f of userCaches()) writeFileSync(join(userDir, f), corrupted(readFileSync(join(userDir, f))));
  t.same(load(), { m: { value: 8 }, state: 'rejected' }, 'a corrupt cache is refused by V8, the source runs');
  t.same(load(), { m: { value: 8 }, state: 'user-cached' }, 'and a good one replaces it');

  // A directory someone else could write to is not trusted: neither read nor written.
  chmodSync(userDir, 0o777);
  t.same(load(), { m: { value: 8 }, state: 'stale' }, 'a cache in a directory others can write is not used');
  chmodSync(userDir, 0o700);
  rmSync(userDir, { recursive: true });
  t.same(load({ PALISADE_CODE_CACHE: 'off' }), { m: { value: 8 }, state: 'stale' });
  t.same(userCaches(), [], 'PALISADE_CODE_CACHE=off writes none');
});
