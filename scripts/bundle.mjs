#!/usr/bin/env node
// Start-up: Node loads ES modules one file at a time, and `palisade/register` runs before the app's
// first line. This writes one-file bundles of what it loads:
// - the code that runs in Node's module-customization thread, self-contained: Palisade's fs guard
//   for that thread (packages/palisade/dist/loader-thread.js, with the compiler, picomatch and
//   ipaddr.js) and the off-thread import-in-the-middle hook for the LLM SDKs (llm/dist/iitm-hook.js);
// - each of @palisade/core, @palisade/node, @palisade/llm and @palisade/detectors (loaded on first
//   use) as dist/bundle.js, the file its
//   package.json exports: its own modules inlined, every package it imports left to Node, so each
//   package still exists once in a process; and `palisade/register` as dist/register.bundle.js.
// Runs after `tsc -b` (part of `npm run build`) and before every test run (.taprc), so a bundle is
// never older than the code it holds.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = join(dirname(dirname(fileURLToPath(import.meta.url))), 'packages');
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

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'inline' };

for (const name of ['core', 'node', 'llm', 'detectors']) {
  await build({
    ...common,
    entryPoints: [join(packages, name, 'dist', 'index.js')],
    outfile: join(packages, name, 'dist', 'bundle.js'),
    packages: 'external',
  });
}

// `palisade/register` (its six small modules; the app's `import 'palisade'` shares none of their state).
await build({
  ...common,
  entryPoints: [join(packages, 'palisade', 'dist', 'register.js')],
  outfile: join(packages, 'palisade', 'dist', 'register.bundle.js'),
  packages: 'external',
});

for (const b of bundles) {
  await build({
    entryPoints: [b.entry],
    outfile: b.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: [...b.notice, requireShim].join('\n') },
    plugins: [inlineCjsDeps],
    logLevel: 'warning',
    legalComments: 'inline',
  });
}
