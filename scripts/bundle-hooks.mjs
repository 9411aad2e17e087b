#!/usr/bin/env node
// Bundles the code that runs in Node's module-customization thread into one self-contained file per
// entry: Palisade's fs guard for that thread (packages/palisade/dist/loader-thread.js, with the
// compiler, picomatch and ipaddr.js) and the off-thread import-in-the-middle hook for the LLM SDKs
// (packages/llm/dist/iitm-hook.js). That thread starts while the app waits; one file each instead of
// a few dozen takes ~40 ms off every start that has it. Runs after `tsc -b` (part of `npm run build`)
// and before every test run (.taprc), so a bundle is never older than the code it holds.
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

for (const b of bundles) {
  await build({
    entryPoints: [b.entry],
    outfile: b.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: [...b.notice, requireShim].join('\n') },
    logLevel: 'warning',
    legalComments: 'inline',
  });
}
