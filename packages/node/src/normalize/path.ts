import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import url from 'node:url';
import util from 'node:util';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

// Own copies, taken when Palisade loads: an app that later monkey-patches
// path.resolve, process.cwd or fs.realpathSync cannot change what is checked.
const resolve = path.resolve;
const dirname = path.dirname;
const basename = path.basename;
const fileURLToPath = url.fileURLToPath;
const cwd = process.cwd;
const realpathNative = fs.realpathSync.native;
const BufferFrom = Buffer.from.bind(Buffer);
// Node's own brand check: a Proxy of a Uint8Array, or an object faking its prototype, is not one.
const isUint8Array = util.types.isUint8Array as (v: unknown) => v is Uint8Array;

export function currentDir(): string {
  return cwd.call(process);
}

/**
 * A path argument as Node will see it: the string to check, and the value to
 * hand to Node instead of the caller's, so nothing the caller controls (a
 * getter, a Proxy trap, a mutable Buffer) is read again after the check.
 */
export interface PathArg {
  /** Absolute, `.`/`..` resolved, not yet symlink-resolved; undefined when Node will reject the value itself. */
  readonly absolute: string | undefined;
  /** What to pass to Node in place of the caller's argument. */
  readonly pass: unknown;
  /** The path string Node derives from `pass` (the decoded URL path, the Buffer's text), when it accepts it. */
  readonly text?: string | undefined;
  /** A Buffer path whose bytes are not UTF-8: the bytes the OS will see (see `argTarget`). */
  readonly bytes?: Buffer | undefined;
}

// FileHandles: Node reads such an argument by descriptor, not as a path. Those opened through
// fs.promises.open are known by identity; others (transferred from another thread) by their real
// prototype, learnt from the first handle seen, without asking a Proxy anything.
const fileHandles = new WeakSet<object>();
let fileHandleProto: object | undefined;
const getPrototypeOf = Object.getPrototypeOf;
const defineProperty = Object.defineProperty;
const isPrototypeOf = Object.prototype.isPrototypeOf;
const isProxy = util.types.isProxy;
const promisesOpen = fs.promises.open;

export function trackFileHandle(handle: unknown): void {
  if (handle === null || typeof handle !== 'object') return;
  fileHandles.add(handle);
  fileHandleProto ??= getPrototypeOf(handle) as object;
}

function isFileHandle(value: object): boolean {
  return fileHandles.has(value) || (fileHandleProto !== undefined && !isProxy(value) && isPrototypeOf.call(fileHandleProto, value));
}

/** Learns the FileHandle prototype at start-up (one open of the null device), for handles this thread did not open. */
export function learnFileHandleClass(): void {
  promisesOpen(os.devNull, 'r').then(
    (h) => {
      fileHandleProto ??= getPrototypeOf(h) as object;
      return h.close();
    },
    () => {},
  ).catch(() => {});
}

/**
 * A URL-like object read once, in the order Node reads it: `isURL` looks at
 * href, protocol, auth and path and stops at the first that rules out a URL;
 * `fileURLToPath` then reads protocol, hostname and pathname. The copy holds
 * exactly those values as plain data, so Node, given the copy, decides what
 * this function decided, whatever the original's getters would say next. A
 * read that throws is kept as a getter that throws the same error: Node meets
 * it where it would have met the original's, after whatever it validates
 * first, and the caller's code never runs twice.
 */
function snapshotUrlLike(value: object): { snapshot: Record<string, unknown>; threw: boolean } {
  const v = value as Record<string, unknown>;
  const s: Record<string, unknown> = {};
  const read = (key: string): boolean => {
    try {
      s[key] = v[key];
      return true;
    } catch (err) {
      defineProperty(s, key, { get: () => { throw err; }, enumerable: true, configurable: true });
      return false;
    }
  };
  const done = { snapshot: s, threw: false };
  const threw = { snapshot: s, threw: true };
  if (!read('href')) return threw;
  if (!s.href) return done;
  if (!read('protocol')) return threw;
  if (!s.protocol) return done;
  if (!read('auth')) return threw;
  if (s.auth !== undefined) return done;
  if (!read('path')) return threw;
  if (s.path !== undefined || s.protocol !== 'file:') return done;
  if (!read('hostname')) return threw;
  if (s.hostname !== '') return done;
  if (!read('pathname')) return threw;
  return done;
}

/**
 * Reads a path argument the way Node's `getValidatedPath` does. Values Node
 * rejects — including ones whose getters or traps throw — give `absolute:
 * undefined`: Node then throws its own error, from `pass`, in its own order.
 * Returns undefined only for a FileHandle (not a path: Node reads it by
 * descriptor).
 */
export function pathArg(value: unknown, coerce = false, numberFirst = false): PathArg | undefined {
  if (typeof value === 'string') {
    if (value.length === 0 || value.includes('\0')) return { absolute: undefined, pass: value };
    return { absolute: toAbsolute(value), pass: value, text: value };
  }
  if (coerce) return coercedPathArg(value);
  if (isUint8Array(value)) {
    // Copy: the caller keeps a reference and could change the bytes after the check.
    const copy = BufferFrom(value.buffer, value.byteOffset, value.byteLength);
    const own = BufferFrom(copy);
    if (own.includes(0)) return { absolute: undefined, pass: own };
    const text = own.toString('utf8');
    if (text.length === 0) return { absolute: undefined, pass: own };
    const exact = BufferFrom(text, 'utf8').equals(own);
    return { absolute: toAbsolute(text), pass: own, text, bytes: exact ? undefined : own };
  }
  if ((value !== null && typeof value === 'object') || typeof value === 'function') {
    if (isFileHandle(value as object)) return undefined;
    if (numberFirst) {
      // readFile, writeFile and appendFile first ask whether the path is a descriptor (`path === (path | 0)`),
      // which converts an object to a number: its valueOf/toString/Symbol.toPrimitive run, and may throw.
      try {
        void ((value as unknown as number) | 0);
      } catch (err) {
        return { absolute: undefined, pass: replayThrow(err) };
      }
    }
    return urlPathArg(value as object);
  }
  // Numbers (descriptors where Node takes them), undefined, Symbols…: immutable, Node decides.
  return { absolute: undefined, pass: value };
}

/** A value whose conversion to a primitive throws `err`, and which Node never takes for a URL. */
function replayThrow(err: unknown): object {
  return { href: undefined, [Symbol.toPrimitive]: () => { throw err; } };
}

/**
 * The path of a URL-like value as Node reads it (see snapshotUrlLike), with
 * the snapshot to hand Node (read once: never read the value again).
 * `isUrl` false: Node does not take it for a URL.
 */
function urlPathArg(value: object): PathArg & { isUrl: boolean } {
  const { snapshot, threw } = snapshotUrlLike(value);
  if (threw) return { absolute: undefined, pass: snapshot, isUrl: true };
  if (!(snapshot.href && snapshot.protocol && snapshot.auth === undefined && snapshot.path === undefined)) return { absolute: undefined, pass: snapshot, isUrl: false };
  let p: string;
  try {
    p = fileURLToPath(snapshot as unknown as URL);
  } catch {
    return { absolute: undefined, pass: snapshot, isUrl: true }; // Node throws the same error from the copy
  }
  if (p.includes('\0')) return { absolute: undefined, pass: snapshot, isUrl: true };
  // Node gets the snapshot, not the string: it derives the same path from it, and a string would be
  // read differently where Object.prototype carries URL-like properties (Node then takes strings for URLs).
  return { absolute: toAbsolute(p), pass: snapshot, text: p, isUrl: true };
}

/**
 * `fs.realpath` and `fs.realpathSync` take a URL as Node takes it (even on a
 * primitive: `true.href` is read through the prototype chain), and turn
 * anything else into a string with `p += ''` (valueOf or toString, or
 * Symbol.toPrimitive; a plain Uint8Array becomes its numbers joined by
 * commas). Done once here; Node gets a value that is no URL and converts to
 * that same string, or throws the same error.
 */
function coercedPathArg(value: unknown): PathArg {
  if (value != null) {
    const url = urlPathArg(value as object);
    if (url.isUrl) return url;
  }
  let text: string;
  try {
    text = (value as string) + '';
  } catch (err) {
    return { absolute: undefined, pass: replayThrow(err) };
  }
  const pass = { href: undefined, [Symbol.toPrimitive]: () => text };
  if (text.length === 0 || text.includes('\0')) return { absolute: undefined, pass };
  return { absolute: toAbsolute(text), pass, text };
}

/** Already absolute with no empty, `.` or `..` segment and no trailing slash. */
export function isCleanAbsolute(p: string): boolean {
  if (p.charCodeAt(0) !== 47) return false;
  const n = p.length;
  if (n > 1 && p.charCodeAt(n - 1) === 47) return false;
  if (p.includes('//')) return false;
  for (let i = p.indexOf('/.'); i !== -1; i = p.indexOf('/.', i + 2)) {
    const c = i + 2 < n ? p.charCodeAt(i + 2) : 47;
    if (c === 47) return false; // "/./" or trailing "/."
    if (c === 46 && (i + 3 >= n || p.charCodeAt(i + 3) === 47)) return false; // "/../" or trailing "/.."
  }
  return true;
}

/** Absolute and normalized against the real current directory. */
export function toAbsolute(p: string): string {
  return isCleanAbsolute(p) ? p : resolve(currentDir(), p);
}

const CACHE_LIMIT = 16384;
/** Paths longer than PATH_MAX are resolved every time, never cached: the caches must stay small whatever the app is fed. */
const CACHE_KEY_LIMIT = 4096;
const realCache = new Map<string, string>();

/**
 * The path with every symlink resolved, cached. Paths that do not exist yet
 * resolve through their deepest existing ancestor (a file about to be created
 * inside a symlinked directory lands in the real directory). The cache is
 * cleared whenever Palisade sees a call that can change what a path resolves
 * to (rename, unlink, symlink, …): see `forgetRealPaths`.
 */
export function realPath(abs: string): string {
  const hit = realCache.get(abs);
  if (hit !== undefined) return hit;
  const real = computeRealPath(abs);
  if (!isVolatile(abs) && abs.length <= CACHE_KEY_LIMIT) {
    if (realCache.size >= CACHE_LIMIT) realCache.clear();
    realCache.set(abs, real);
  }
  return real;
}

/** /proc and /dev/fd paths resolve differently from one moment to the next (fd numbers get reused): never cached. */
function isVolatile(abs: string): boolean {
  return abs.startsWith('/proc/') || abs.startsWith('/dev/fd/') || abs === '/proc' || abs.startsWith('/dev/std');
}

/**
 * Whether a failed resolution means "not there (yet)": resolve an ancestor
 * instead. ENAMETOOLONG too: a shorter ancestor may still resolve.
 */
function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG';
}

const NOT_FOUND = 0;
const FAILED = 1;
type Probe = string | typeof NOT_FOUND | typeof FAILED;

/**
 * The real path of the deepest existing ancestor of a path, plus the rest.
 * Ancestors are probed nearest first for a few levels (a file about to be
 * created costs one extra call), then by bisection, since a missing ancestor
 * means every deeper one is missing too: a path of any depth — a `mkdir -p`
 * of a long chain under a symlink, or a megabyte of `/a` — takes a handful
 * of calls, and every ancestor that exists is resolved through its links.
 * `ancestors` are the prefix ends (indexes of `/` after the first character);
 * `probe(end)` resolves the prefix ending there.
 */
function resolveDeepest(ancestors: readonly number[], probe: (end: number) => Probe, join: (real: string, from: number) => string): string | undefined {
  let hi = ancestors.length - 1;
  for (let steps = 0; hi >= 0 && steps < 3; steps++, hi--) {
    const r = probe(ancestors[hi]!);
    if (typeof r === 'string') return join(r, ancestors[hi]! + 1);
    if (r === FAILED) return undefined;
  }
  let lo = 0;
  let best: { real: string; end: number } | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = probe(ancestors[mid]!);
    if (typeof r === 'string') {
      best = { real: r, end: ancestors[mid]! };
      lo = mid + 1;
    } else if (r === NOT_FOUND) hi = mid - 1;
    else return undefined;
  }
  return best === undefined ? join('/', 1) : join(best.real, best.end + 1);
}

function slashIndexes(p: { indexOf(c: string | number, from?: number): number }, slash: string | number, length: number): number[] {
  const out: number[] = [];
  for (let i = p.indexOf(slash, 1); i !== -1 && i < length; i = p.indexOf(slash, i + 1)) out.push(i);
  return out;
}

function probeString(abs: string, end: number): Probe {
  const prefix = abs.slice(0, end);
  const hit = realCache.get(prefix);
  if (hit !== undefined) return hit;
  try {
    return realpathNative(prefix);
  } catch (err) {
    return missing(err) ? NOT_FOUND : FAILED;
  }
}

/** The path with every symlink of its existing part resolved (see `resolveDeepest`); as given when that fails. */
function computeRealPath(abs: string): string {
  try {
    return realpathNative(abs);
  } catch (err) {
    if (!missing(err)) return abs;
  }
  const joined = resolveDeepest(
    slashIndexes(abs, '/', abs.length),
    (end) => probeString(abs, end),
    (real, from) => (real === '/' ? `/${abs.slice(from)}` : `${real}/${abs.slice(from)}`),
  );
  return joined ?? abs;
}

/** `computeRealPath` for a path given as bytes that are not UTF-8 (see `argTarget`). */
function computeRealPathBytes(abs: Buffer): string {
  const text = () => toAbsolute(abs.toString('utf8'));
  try {
    return (realpathNative(abs, 'buffer') as unknown as Buffer).toString('utf8');
  } catch (err) {
    if (!missing(err)) return text();
  }
  let end = abs.length;
  while (end > 1 && abs[end - 1] === 47) end--;
  const joined = resolveDeepest(
    slashIndexes(abs, 47, end),
    (e) => {
      try {
        return (realpathNative(abs.subarray(0, e), 'buffer') as unknown as Buffer).toString('utf8');
      } catch (err) {
        return missing(err) ? NOT_FOUND : FAILED;
      }
    },
    (real, from) => toAbsolute(`${real === '/' ? '' : real}/${abs.subarray(from, end).toString('utf8')}`),
  );
  return joined ?? text();
}

/** The path with its directory resolved but its last component kept (lstat semantics). */
export function realLocation(abs: string): string {
  const parent = dirname(abs);
  if (parent === abs) return abs;
  const realParent = realPath(parent);
  return realParent === '/' ? `/${basename(abs)}` : `${realParent}/${basename(abs)}`;
}

/**
 * The checked target of a path argument: `realPath` (follow) or
 * `realLocation` of its absolute form. A Buffer whose bytes are not UTF-8 is
 * resolved by its bytes: its decoded text names no file, so a symlink with
 * such a name would otherwise go unresolved.
 */
export function argTarget(arg: PathArg & { absolute: string }, follow: boolean): string {
  if (arg.bytes === undefined) return follow ? realPath(arg.absolute) : realLocation(arg.absolute);
  const abs = arg.bytes[0] === 47 ? arg.bytes : Buffer.concat([BufferFrom(`${currentDir()}/`), arg.bytes]);
  if (follow) return computeRealPathBytes(abs);
  // lstat semantics: the directory resolved, the last component kept.
  let end = abs.length;
  while (end > 1 && abs[end - 1] === 47) end--;
  const slash = abs.lastIndexOf(47, end - 1);
  if (slash < 0 || end <= 1) return toAbsolute(abs.toString('utf8'));
  const dir = computeRealPathBytes(slash === 0 ? BufferFrom('/') : abs.subarray(0, slash));
  const name = abs.subarray(slash + 1, end).toString('utf8');
  return toAbsolute(dir === '/' ? `/${name}` : `${dir}/${name}`);
}

const stringTargets = [new Map<string, string>(), new Map<string, string>()]; // [no-follow, follow]

/**
 * The checked target for a string path argument: absolute, normalized, and
 * symlink-resolved (all of it when `follow`, else all but the last component).
 * Absolute inputs are cached as given, since they do not depend on the cwd,
 * which keeps the common case to one map lookup.
 */
export function stringTarget(raw: string, follow: boolean): string {
  const absoluteInput = raw.charCodeAt(0) === 47;
  const cache = stringTargets[follow ? 1 : 0]!;
  if (absoluteInput) {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
  }
  const abs = toAbsolute(raw);
  const target = follow ? realPath(abs) : realLocation(abs);
  if (absoluteInput && !isVolatile(abs) && raw.length <= CACHE_KEY_LIMIT) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, target);
  }
  return target;
}

function clearCaches(): void {
  // Clearing reallocates a map's table even when it is empty (spawns clear twice per call).
  if (realCache.size !== 0) realCache.clear();
  for (const cache of stringTargets) if (cache.size !== 0) cache.clear();
}

// Worker threads run their own Palisade with their own caches: a rename or
// symlink seen in one thread clears them all.
// A post costs ~20 µs, listener or not (every spawn makes two): the main thread posts once it has
// started a worker (which may run Palisade) or heard from one; a worker always does.
let otherThreads = !isMainThread;

const namespaceChannel = new BroadcastChannel('palisade:fs-namespace');
namespaceChannel.onmessage = () => {
  // Another thread runs Palisade (however it was started): tell it of changes from now on.
  otherThreads = true;
  clearCaches();
};
(namespaceChannel as unknown as { unref(): void }).unref();

/**
 * Changes Palisade cannot see (other processes, native code) reach the caches
 * within this interval: every cached resolution is dropped this often.
 */
export const REAL_PATH_TTL_MS = 1000;
setInterval(clearCaches, REAL_PATH_TTL_MS).unref();

/** A worker is being started: from now on, namespace changes are told to the other threads. */
export function shareRealPathForgetting(): void {
  otherThreads = true;
}

/**
 * Palisade's sensors are installed in this worker: the other threads hear of
 * it (and drop their cached resolutions, harmlessly), so they tell it of their
 * namespace changes even if it was started some way the worker sensor missed.
 */
export function announceThread(): void {
  if (!isMainThread) namespaceChannel.postMessage(0);
}

/** Called after any call that can change what paths resolve to (rename, unlink, symlink, mkdir, spawn, …). */
export function forgetRealPaths(): void {
  clearCaches();
  if (otherThreads) namespaceChannel.postMessage(0);
}
