#!/usr/bin/env node
// Bundles the module-loader-thread guard (packages/palisade/dist/loader-thread.js and the compiler it
// imports, picomatch and ipaddr.js included) into one self-contained file. That thread starts while the
// app waits; loading one file there instead of a few dozen takes ~30 ms off every start that has it.
// Runs after `tsc -b` (part of `npm run build`).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(dirname(fileURLToPath(import.meta.url))), 'packages', 'palisade', 'dist');
await build({
  entryPoints: [join(dist, 'loader-thread.js')],
  outfile: join(dist, 'loader-thread.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies that require() a builtin get a real require.
  banner: {
    js: [
      '// Palisade module-loader-thread guard, bundled. Includes picomatch (MIT License, Copyright (c) Jon Schlinkert)',
      '// and ipaddr.js (MIT License, Copyright (c) whitequark); their licence texts ship with those packages.',
      "import { createRequire as __palisadeRequire } from 'node:module'; const require = __palisadeRequire(import.meta.url);",
    ].join('\n'),
  },
  logLevel: 'warning',
  legalComments: 'inline',
});
