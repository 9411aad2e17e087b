'use strict';
// Template of the CommonJS entry files scripts/bundle.mjs writes next to each bundle (`__BUNDLE__`
// is replaced by the bundle's file name). The entry compiles the bundle with V8's code cache, written
// by the build's warm-up run next to it as `<bundle>.v8cache`: V8 then skips parsing and compiling
// what that run compiled, which is most of what Palisade costs before the app's first line. Node 20
// offers no code cache for ES modules, hence CommonJS.
//
// The cache is used only when it was made from this exact source (its sha256) by this Node version:
// V8 itself checks little more than the source's length. Anything off (no cache, another Node, a
// changed bundle, a file that cannot be read) compiles without it; the code is the same either way.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '__BUNDLE__');
const cacheFile = `${file}.v8cache`;
const loader = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
// How each bundle was compiled, for tests and diagnostics: 'cached', 'rejected', 'stale', 'none', 'plain'.
const states = (globalThis[Symbol.for('palisade.codeCache')] ??= {});

// Palisade's fs sensors, once installed, check every read: a bundle loaded later (the detectors, at the
// first guarded LLM call) is read by Node's own loader, which their module rules let through.
const wrappers = globalThis[Symbol.for('palisade.wrappers')];
const sensed = wrappers !== undefined && wrappers.has(fs.readFileSync);

if (loader === undefined || sensed) {
  // Also Node < 20.12, which cannot give a compiled script its dynamic import(): no cache.
  states[file] = 'plain';
  module.exports = require(file);
} else {
  const { readFileSync, writeFileSync } = fs;
  const source = readFileSync(file);
  const header = `palisade-code-cache 1 ${process.version} ${process.arch} ${require('node:crypto').createHash('sha256').update(source).digest('hex')}\n`;
  let cachedData;
  let state = 'none';
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > header.length && cache.toString('latin1', 0, header.length) === header) cachedData = cache.subarray(header.length);
    else state = 'stale';
  } catch {
    // no cache: compile from source
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: loader,
  });
  if (cachedData !== undefined) state = script.cachedDataRejected ? 'rejected' : 'cached';
  states[file] = state;
  if (process.env.PALISADE_WRITE_CODE_CACHE === '1') {
    // The build's warm-up run: at exit the script holds every function the run compiled.
    process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()])));
  }
  script.runInThisContext()(module.exports, require, module, file, __dirname);
}
