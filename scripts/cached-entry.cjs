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
//
// A Node version the build did not run (an install built elsewhere, Node 22 or 24 next to a build on 20)
// gets a cache of its own: the first process that compiles without one writes it at exit into a
// directory only this user can write (checked before each use, as the policy-validation cache's), and
// later processes use it under the same conditions. PALISADE_CODE_CACHE=off turns that off.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '__BUNDLE__');
const cacheFile = `${file}.v8cache`;
const loader = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
// How each bundle was compiled, for tests and diagnostics: 'cached' (the build's cache), 'user-cached'
// (this user's), 'rejected', 'stale', 'none', 'plain'.
const states = (globalThis[Symbol.for('palisade.codeCache')] ??= {});

// Palisade's fs sensors, once installed, check every read: a bundle loaded later (the detectors, at the
// first guarded LLM call) is read by Node's own loader, which their module rules let through.
const wrappers = globalThis[Symbol.for('palisade.wrappers')];
const sensed = wrappers !== undefined && wrappers.has(fs.readFileSync);

// Bound now, before any sensor wraps fs: writing a cache at exit is Palisade's own I/O, never the app's.
const { readFileSync, writeFileSync, openSync, writeSync, closeSync, renameSync, mkdirSync, lstatSync, unlinkSync } = fs;

/** This user's cache directory, when it exists (made if need be) with no one else able to write it. */
function userCacheDir() {
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const dir = path.join(os.tmpdir(), `palisade-${uid}`, 'code-cache');
  const owned = (p) => {
    try {
      const st = lstatSync(p);
      return st.isDirectory() && (uid === -1 || st.uid === uid) && (st.mode & 0o022) === 0;
    } catch {
      return false;
    }
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // checked below
  }
  return owned(path.dirname(dir)) && owned(dir) ? dir : undefined;
}

/** Written whole under a temporary name, then renamed: a concurrent reader sees all of it or nothing. */
function writeUserCache(target, header, data) {
  const temp = `${target}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, Buffer.concat([Buffer.from(header, 'latin1'), data]));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}

/** The cached data after `header` in `cache`, when the header is exactly it. */
function afterHeader(cache, header) {
  return cache.length > header.length && cache.toString('latin1', 0, header.length) === header ? cache.subarray(header.length) : undefined;
}

if (loader === undefined || sensed) {
  // Also Node < 20.12, which cannot give a compiled script its dynamic import(): no cache.
  states[file] = 'plain';
  module.exports = require(file);
} else {
  const source = readFileSync(file);
  const digest = require('node:crypto').createHash('sha256').update(source).digest('hex');
  const header = `palisade-code-cache 1 ${process.version} ${process.arch} ${digest}\n`;
  const warmUp = process.env.PALISADE_WRITE_CODE_CACHE === '1';
  let cachedData;
  let state = 'none';
  let userFile;
  try {
    cachedData = afterHeader(readFileSync(cacheFile), header);
    if (cachedData === undefined) state = 'stale';
  } catch {
    // no cache: compile from source
  }
  if (cachedData === undefined && !warmUp && process.env.PALISADE_CODE_CACHE !== 'off') {
    try {
      const dir = userCacheDir();
      if (dir !== undefined) {
        userFile = path.join(dir, `${digest}-${process.version}-${process.arch}.v8cache`);
        cachedData = afterHeader(readFileSync(userFile), header);
      }
    } catch {
      // none yet: this process writes it
    }
  }
  const fromUser = userFile !== undefined && cachedData !== undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: loader,
  });
  if (cachedData !== undefined) state = script.cachedDataRejected ? 'rejected' : fromUser ? 'user-cached' : 'cached';
  states[file] = state;
  if (warmUp) {
    // The build's warm-up run: at exit the script holds every function the run compiled.
    process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()])));
  } else if (userFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => {
      try {
        writeUserCache(userFile, header, script.createCachedData());
      } catch {
        // a cache that cannot be written only costs time
      }
    });
  }
  script.runInThisContext()(module.exports, require, module, file, __dirname);
}
