#!/usr/bin/env node
// Start-up: `palisade/register` runs before the app's first line, and what it loads is parsed and
// compiled then. This writes:
// - each of @palisade/core, @palisade/node, @palisade/llm and @palisade/detectors as one CommonJS file,
//   dist/bundle.cjs (its own modules inlined; every package it imports left to Node, so each package
//   exists once in a process), loaded through dist/entry.cjs, which compiles it with V8's code cache
//   (scripts/cached-entry.cjs; Node 20 has no code cache for ES modules), and dist/bundle.js, the
//   ES-module entry, which re-exports that same instance by name;
// - `palisade/register` likewise: dist/register.bundle.cjs behind dist/register.cjs, and
//   dist/register.bundle.js for `--import`;
// - the code that runs in Node's module-customization thread, self-contained ES modules: Palisade's
//   fs guard for that thread (packages/palisade/dist/loader-thread.js, with the compiler, picomatch
//   and ipaddr.js) and the off-thread import-in-the-middle hook for the LLM SDKs (llm/dist/iitm-hook.js);
// - the OpenTelemetry SDK that `palisade/register` sets up for an exporter, with the API it uses and the
//   OTLP exporter, packages inlined (dist/otel-sdk.bundle.cjs behind dist/otel-sdk.cjs);
// - import-in-the-middle's in-thread hooks for Node versions with `module.registerHooks`, inlined
//   (llm/dist/iitm-sync.bundle.cjs behind llm/dist/iitm-sync.cjs);
// - the code caches: a warm-up run of `palisade/register` (a policy, a few guarded calls) writes the
//   `.v8cache` of each bundle it loads before the sensors are in place, holding what that run compiled,
//   for this Node version. (The detectors load later, through Node's own loader: no cache.)
// Runs after `tsc -b` (part of `npm run build`) and before every test run (.taprc), so a bundle is
// never older than the code it holds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scripts = dirname(fileURLToPath(import.meta.url));
const packages = join(dirname(scripts), 'packages');
// CommonJS dependencies that require() a builtin get a real require.
const requireShim = "import { createRequire as __palisadeRequire } from 'node:module'; const require = __palisadeRequire(import.meta.url);";

const bundles = [
  {
    entry: join(packages, 'palisade', 'dist', 'loader-thread.js'),
    out: join(packages, 'palisade', 'dist', 'loader-thread.bundle.js'),
    notice: [
      "// Palisade's fs guard for Node's module-loader thread, bundled. Includes picomatch (MIT License,",
      '// Copyright (c) Jon Schlinkert) and ipaddr.js (MIT License, Copyright (c) whitequark); their licence',
      '// texts ship with those packages.',
    ],
  },
  {
    entry: join(packages, 'llm', 'dist', 'iitm-hook.js'),
    out: join(packages, 'llm', 'dist', 'iitm-hook.bundle.js'),
    notice: [
      "// Palisade's off-thread module hook for the LLM SDKs, bundled. Includes import-in-the-middle (Apache",
      '// License 2.0; Copyright 2024 Node.js contributors; includes software developed at Datadog,',
      '// Copyright 2021 Datadog, Inc.), cjs-module-lexer and es-module-lexer (MIT License, Copyright (c) Guy',
      '// Bedford); their licence texts and NOTICE ship with those packages.',
    ],
  },
];

// Core loads its CommonJS dependencies with require() (cheaper than Node's ESM-to-CommonJS path). A
// self-contained bundle must carry them instead: esbuild inlines them when they are imported.
const inlineCjsDeps = {
  name: 'inline-cjs-deps',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]dist[\\/]cjs-deps\.js$/ }, (args) => ({
      contents: "import ipaddr from 'ipaddr.js'; import pm from 'picomatch'; export { ipaddr }; export const picomatch = (glob, options) => pm(glob, options);",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// ipaddr.js parses every address in a policy, so @palisade/core loads it at start-up: inside core's bundle
// it is compiled from the code cache with the rest (as a package of its own it cost ~0.4–1 ms more).
// Nothing but core uses it. picomatch, loaded only for uncommon globs, stays a package.
const inlineIpaddr = {
  name: 'inline-ipaddr',
  setup(b) {
    const fromCore = createRequire(join(packages, 'core', 'package.json'));
    b.onResolve({ filter: /^ipaddr\.js$/ }, () => ({ path: fromCore.resolve('ipaddr.js') }));
    b.onLoad({ filter: /[\\/]core[\\/]dist[\\/]cjs-deps\.js$/ }, (args) => ({
      contents:
        "import ipaddr from 'ipaddr.js'; import { createRequire } from 'node:module'; export { ipaddr };\n" +
        "let pm; export function picomatch(glob, options) { pm ??= createRequire(import.meta.url)('picomatch'); return pm(glob, options); }",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', legalComments: 'inline' };
// The sources are ES modules: strict, and `import.meta.url` is the bundle's own URL.
const commonJS = {
  ...common,
  format: 'cjs',
  packages: 'external',
  define: { 'import.meta.url': '__palisadeModuleUrl' },
  banner: { js: '"use strict";\nconst __palisadeModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
const entryTemplate = readFileSync(join(scripts, 'cached-entry.cjs'), 'utf8');
const generated = (what) => `// Generated by scripts/bundle.mjs: ${what}\n`;

/**
 * Three rewrites of esbuild's CommonJS output, each worth milliseconds of start-up or of every call:
 * - esbuild keeps one `require("@palisade/core")` per source module that imports it (31 in
 *   @palisade/node), and Node resolves each again: one memoized require per package instead, and
 *   none when another bundle already loaded that package at the version built against;
 * - a default or namespace import of a builtin becomes `__toESM(require("node:fs"), 1)`, which
 *   copies every property of the module into a new object with a getter each (per import site): an
 *   object whose prototype is the module reads the same live properties without copying;
 * - the exports are getters (two deep: esbuild's live bindings), called on every use from another
 *   package (`activeRuntime()` in each sensor): once the bundle has run they are copied to plain
 *   values. The packages export no binding that changes after loading.
 */
const palisadeVersions = Object.fromEntries(
  ['core', 'node', 'llm', 'detectors', 'cli'].map((n) => [`@palisade/${n}`, JSON.parse(readFileSync(join(packages, n, 'package.json'), 'utf8')).version]),
);
const helpers = [
  'const __palisadePackages = new Map();',
  // A package of the version this bundle was built with that another bundle already loaded (its entry
  // registers it) is taken from the registry: resolving `@palisade/core` again costs ~0.6 ms per bundle.
  `const __palisadeVersions = ${JSON.stringify(palisadeVersions)};`,
  'const __palisadeRegistry = (globalThis[Symbol.for("palisade.packages")] ??= new Map());',
  'const __palisadePackage = (id) => { let m = __palisadePackages.get(id); if (m === undefined) __palisadePackages.set(id, (m = __palisadeRegistry.get(`${id}@${__palisadeVersions[id]}`) ?? require(id))); return m; };',
  'const __palisadeBuiltin = (m) => ({ __proto__: m, default: m });',
  'const __palisadeValues = (e) => { const o = {}; for (const k of Object.keys(e)) o[k] = e[k]; return Object.defineProperty(o, "__esModule", { value: true }); };',
].join('\n');
function rewriteRequires(code) {
  return code
    .replace(/\brequire\("(@palisade\/[a-z-]+)"\)/g, '__palisadePackage("$1")')
    .replace(/__toESM\(require\("(node:[a-z_/0-9]+)"\), 1\)/g, '__palisadeBuiltin(require("$1"))');
}

/**
 * Dynamic `import()` of a builtin (the OTLP exporter loads `http` so) becomes a require: on Node 20 a
 * script compiled from a code cache has no dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
 * and elsewhere the callback Palisade gives prints an experimental-feature warning into the app's stderr.
 * Any other dynamic import fails the build.
 */
function builtinImportsAsRequires(code, file) {
  const out = code.replace(/\bimport\("([^"]+)"\)/g, (call, id) =>
    isBuiltin(id) ? `Promise.resolve().then(() => __palisadeBuiltin(require(${JSON.stringify(id)})))` : call,
  );
  const left = /\bimport\(/.exec(out);
  if (left) throw new Error(`${file}: a dynamic import() the code cache cannot run on Node 20: ${out.slice(left.index, left.index + 80)}`);
  return out;
}

/**
 * The CommonJS bundle, and next to it `entryFile`, which loads it with the code cache. `inline`: packages
 * are bundled too (else left to Node); `notice`: licence lines for what is inlined.
 */
async function commonJSBundle(entryPoint, bundleFile, entryFile, { inline = false, notice = [], plugins = [], pkg = null } = {}) {
  const { packages: _, ...inlining } = commonJS;
  await build({
    // Inlined packages from their ES-module builds where they have one: esbuild then leaves out what is
    // not used (most of semantic-conventions' constants, the metrics SDK the OTLP transformer imports).
    ...(inline ? { ...inlining, mainFields: ['module', 'main'] } : commonJS),
    plugins,
    banner: { js: [commonJS.banner.js, ...notice].join('\n') },
    entryPoints: [entryPoint],
    outfile: bundleFile,
  });
  const code = readFileSync(bundleFile, 'utf8');
  const body = code.indexOf('\n', code.indexOf('__palisadeModuleUrl')) + 1; // after the banner
  const rewritten = rewriteRequires(code.slice(body));
  writeFileSync(bundleFile, code.slice(0, body) + helpers + '\n' + (inline ? builtinImportsAsRequires(rewritten, bundleFile) : rewritten) + 'module.exports = __palisadeValues(module.exports);\n');
  const entry = join(dirname(bundleFile), entryFile);
  const name = bundleFile.slice(dirname(bundleFile).length + 1);
  writeFileSync(entry, generated(`loads ${name} with its code cache (from scripts/cached-entry.cjs).`) + entryTemplate.replace("'__BUNDLE__'", JSON.stringify(name)).replace("'__PACKAGE__'", JSON.stringify(pkg)));
}

for (const name of ['core', 'node', 'llm', 'detectors']) {
  const dist = join(packages, name, 'dist');
  const entryPoint = join(dist, 'index.js');
  // The export names, from an ES-module build of the same entry.
  const esm = await build({ ...common, format: 'esm', packages: 'external', entryPoints: [entryPoint], outfile: join(dist, 'bundle.esm.js'), write: false, metafile: true });
  const names = Object.values(esm.metafile.outputs).flatMap((o) => o.exports);
  await commonJSBundle(
    entryPoint,
    join(dist, 'bundle.cjs'),
    'entry.cjs',
    {
      pkg: `@palisade/${name}@${palisadeVersions[`@palisade/${name}`]}`,
      ...(name === 'core' ? { plugins: [inlineIpaddr], notice: ['// Includes ipaddr.js (MIT License, Copyright (c) whitequark); its licence text ships with that package.'] } : {}),
    },
  );
  const named = names.filter((n) => n !== 'default');
  writeFileSync(
    join(dist, 'bundle.js'),
    generated(`@palisade/${name} for \`import\`: the one instance \`require\` loads (dist/entry.cjs), by name.`) +
      "import { createRequire } from 'node:module';\n" +
      "const m = createRequire(import.meta.url)('./entry.cjs');\n" +
      `export const { ${named.join(', ')} } = m;\n` +
      (names.includes('default') ? 'export default m.default;\n' : ''),
  );
}

// `palisade/register` (its six small modules; the app's `import 'palisade'` shares none of their state).
const palisadeDist = join(packages, 'palisade', 'dist');
await commonJSBundle(join(palisadeDist, 'register.js'), join(palisadeDist, 'register.bundle.cjs'), 'register.cjs');
writeFileSync(
  join(palisadeDist, 'register.bundle.js'),
  generated('`palisade/register` for `--import`, loading the CommonJS preload.') + "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./register.cjs');\n",
);

// The OpenTelemetry SDK that `palisade/register` sets up when an exporter is configured, with the API
// it uses and the OTLP exporter, packages inlined (their ~200 files cost ~40 ms to resolve and compile
// at start-up, the exporter's ~230 another ~30 ms at the first export).
await commonJSBundle(join(palisadeDist, 'otel-sdk.js'), join(palisadeDist, 'otel-sdk.bundle.cjs'), 'otel-sdk.cjs', {
  inline: true,
  notice: [
    '// The OpenTelemetry SDK for JavaScript, bundled: @opentelemetry/api, api-logs, core, resources,',
    '// sdk-trace, sdk-trace-base, sdk-metrics, semantic-conventions, exporter-trace-otlp-proto, otlp-exporter-base and',
    '// otlp-transformer (Apache License 2.0, Copyright The OpenTelemetry Authors); their licence texts ship',
    '// with those packages.',
  ],
});

// import-in-the-middle's in-thread hooks (Node versions with `module.registerHooks`), inlined with its two
// lexers: as its own ES modules they cost ~10 ms of every start on Node 24, with no code cache.
await commonJSBundle(join(packages, 'llm', 'dist', 'iitm-sync.js'), join(packages, 'llm', 'dist', 'iitm-sync.bundle.cjs'), 'iitm-sync.cjs', {
  inline: true,
  notice: [
    "// Palisade's in-thread module hooks for the LLM SDKs, bundled. Includes import-in-the-middle (Apache",
    '// License 2.0; Copyright 2024 Node.js contributors; includes software developed at Datadog,',
    '// Copyright 2021 Datadog, Inc.), cjs-module-lexer and es-module-lexer (MIT License, Copyright (c) Guy',
    '// Bedford); their licence texts and NOTICE ship with those packages.',
  ],
});

for (const b of bundles) {
  await build({
    ...common,
    entryPoints: [b.entry],
    outfile: b.out,
    format: 'esm',
    banner: { js: [...b.notice, requireShim].join('\n') },
    plugins: [inlineCjsDeps],
  });
}

warmUp();

/**
 * Runs `palisade/register` once, as an app would, with PALISADE_WRITE_CODE_CACHE=1: each bundle's entry
 * writes its code cache at exit. The run compiles a policy that uses most rule kinds and makes allowed
 * and denied calls (monitor mode: nothing fails).
 */
function warmUp() {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-warm-up-'));
  try {
    const policy = {
      version: 1,
      mode: 'monitor',
      allow: { 'fs.read': ['${cwd}/**', '/etc/hostname'], 'net.connect': ['127.0.0.1:*', '*.example.com:443'], 'process.spawn': ['true'], 'llm.model': ['gpt-4o*'] },
      deny: { 'fs.read': ['**/.env', '${home}/.ssh/**'], 'net.connect': ['@metadata', '@private'] },
    };
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    writeFileSync(join(dir, 'data.txt'), 'x');
    writeFileSync(
      join(dir, 'app.cjs'),
      ["const fs = require('node:fs');", "fs.readFileSync('data.txt'); try { fs.readFileSync('.env'); } catch {}", "require('node:http'); require('node:child_process');"].join('\n'),
    );
    writeFileSync(join(dir, 'telemetry.cjs'), "require('node:fs').readFileSync('data.txt');");
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PALISADE_POLICY: join(dir, 'policy.json'), PALISADE_AUDIT: 'off', PALISADE_WRITE_CODE_CACHE: '1' };
    // First with an OTLP exporter configured, for the OpenTelemetry SDK's cache (no span is made, so
    // nothing is sent); then the main run, whose caches of the other bundles are the ones kept.
    const runs = [
      ['telemetry.cjs', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }],
      ['app.cjs', {}],
    ];
    for (const [app, extra] of runs) {
      const r = spawnSync(process.execPath, ['--require', join(palisadeDist, 'register.cjs'), app], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`code cache warm-up (${app}) failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
