'use strict';
// Template of the CommonJS entry files scripts/bundle.mjs writes next to each bundle (`__BUNDLE__`
// is replaced by the bundle's file name). The entry compiles the bundle with V8's code cache, written
// by the build's warm-up run next to it as `<bundle>.v8cache`: V8 then skips parsing and compiling
// what that run compiled, which is most of what Palisade costs before the app's first line. Node 20
// offers no code cache for ES modules, hence CommonJS.
//
// The cache is used only when it was made from this exact source by this Node version: V8 itself
// checks little more than the source's length. So a cache file holds a header (format, Node version,
// architecture, source length), then the source it was made from, compared byte for byte before use,
// then V8's data. (Comparing costs ~10 µs; hashing the source would load node:crypto, ~1.5 ms of every
// start.) Anything off (no cache, another Node, a changed bundle, a file that cannot be read) compiles
// without it; the code is the same either way.
//
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
function writeUserCache(target, parts) {
  const temp = `${target}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, Buffer.concat(parts));
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

/** V8's data in `cache`, when the cache was made from exactly `source` under exactly `header`. */
function cachedDataFor(cache, header, source) {
  const start = header.length + source.length;
  if (cache.length <= start || cache.toString('latin1', 0, header.length) !== header) return undefined;
  return source.equals(cache.subarray(header.length, start)) ? cache.subarray(start) : undefined;
}

/** A short name for this bundle's file (FNV-1a of its path): its user cache's name. Content is compared anyway. */
function pathKey(p) {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

if (loader === undefined || sensed) {
  // Also Node < 20.12, which cannot give a compiled script its dynamic import(): no cache.
  states[file] = 'plain';
  module.exports = require(file);
} else {
  const source = readFileSync(file);
  const header = `palisade-code-cache 2 ${process.version} ${process.arch} ${source.length}\n`;
  const warmUp = process.env.PALISADE_WRITE_CODE_CACHE === '1';
  let cachedData;
  let state = 'none';
  let userFile;
  try {
    cachedData = cachedDataFor(readFileSync(cacheFile), header, source);
    if (cachedData === undefined) state = 'stale';
  } catch {
    // no cache: compile from source
  }
  if (cachedData === undefined && !warmUp && process.env.PALISADE_CODE_CACHE !== 'off') {
    try {
      const dir = userCacheDir();
      if (dir !== undefined) {
        userFile = path.join(dir, `${pathKey(file)}-${source.length}-${process.version}-${process.arch}.v8cache`);
        cachedData = cachedDataFor(readFileSync(userFile), header, source);
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
    process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(header, 'latin1'), source, script.createCachedData()])));
  } else if (userFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => {
      try {
        writeUserCache(userFile, [Buffer.from(header, 'latin1'), source, script.createCachedData()]);
      } catch {
        // a cache that cannot be written only costs time
      }
    });
  }
  script.runInThisContext()(module.exports, require, module, file, __dirname);
}

// The package this entry loads (name@version; null for a bundle that is not one), registered so that
// the other bundles built against this version take it without resolving it again.
const pkg = '__PACKAGE__';
if (pkg !== null) {
  const registry = (globalThis[Symbol.for('palisade.packages')] ??= new Map());
  if (!registry.has(pkg)) registry.set(pkg, module.exports);
}
