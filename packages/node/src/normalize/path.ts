import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';

// Own copies, taken when Palisade loads: an app that later monkey-patches
// path.resolve, process.cwd or fs.realpathSync cannot change what is checked.
const resolve = path.resolve;
const dirname = path.dirname;
const basename = path.basename;
const fileURLToPath = url.fileURLToPath;
const URLClass = URL;
const cwd = process.cwd;
const realpathNative = fs.realpathSync.native;
const BufferFrom = Buffer.from.bind(Buffer);
const isUint8Array = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

export function currentDir(): string {
  return cwd.call(process);
}

/**
 * A path argument as Node will see it: the string to check, and the value to
 * hand to Node instead of the caller's (so a getter or a mutable Buffer cannot
 * show one path to the check and another to Node). Returns undefined for
 * values Node itself rejects; the caller then lets Node throw its own error.
 */
export interface PathArg {
  /** Absolute, `.`/`..` resolved, not yet symlink-resolved. */
  readonly absolute: string;
  /** What to pass to Node in place of the caller's argument. */
  readonly pass: string | Buffer;
}

export function pathArg(value: unknown): PathArg | undefined {
  if (typeof value === 'string') {
    if (value.length === 0 || value.includes('\0')) return undefined;
    return { absolute: toAbsolute(value), pass: value };
  }
  if (isUint8Array(value)) {
    // Copy: the caller keeps a reference and could change the bytes after the check.
    const copy = BufferFrom(value as Uint8Array);
    if (copy.includes(0)) return undefined;
    const text = copy.toString('utf8');
    if (text.length === 0) return undefined;
    return { absolute: toAbsolute(text), pass: copy };
  }
  if (value !== null && typeof value === 'object') {
    // Node accepts URL instances and URL-like objects (href + protocol); read them once.
    let href: unknown;
    try {
      href = (value as { href?: unknown }).href;
    } catch {
      return undefined;
    }
    if (typeof href !== 'string' || !(value instanceof URLClass || 'protocol' in value)) return undefined;
    let p: string;
    try {
      const parsed = new URLClass(href);
      if (parsed.protocol !== 'file:') return undefined;
      p = fileURLToPath(parsed);
    } catch {
      return undefined;
    }
    if (p.includes('\0')) return undefined;
    return { absolute: toAbsolute(p), pass: p };
  }
  return undefined;
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
  const real = computeRealPath(abs, 0);
  if (!isVolatile(abs)) {
    if (realCache.size >= CACHE_LIMIT) realCache.clear();
    realCache.set(abs, real);
  }
  return real;
}

/** /proc and /dev/fd paths resolve differently from one moment to the next (fd numbers get reused): never cached. */
function isVolatile(abs: string): boolean {
  return abs.startsWith('/proc/') || abs.startsWith('/dev/fd/') || abs === '/proc' || abs.startsWith('/dev/std');
}

function computeRealPath(abs: string, depth: number): string {
  try {
    return realpathNative(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return abs;
    const parent = dirname(abs);
    if (parent === abs || depth > 64) return abs;
    const realParent = realCache.get(parent) ?? computeRealPath(parent, depth + 1);
    return realParent === '/' ? `/${basename(abs)}` : `${realParent}/${basename(abs)}`;
  }
}

/** The path with its directory resolved but its last component kept (lstat semantics). */
export function realLocation(abs: string): string {
  const parent = dirname(abs);
  if (parent === abs) return abs;
  const realParent = realPath(parent);
  return realParent === '/' ? `/${basename(abs)}` : `${realParent}/${basename(abs)}`;
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
  if (absoluteInput && !isVolatile(abs)) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, target);
  }
  return target;
}

function clearCaches(): void {
  realCache.clear();
  stringTargets[0]!.clear();
  stringTargets[1]!.clear();
}

// Worker threads run their own Palisade with their own caches: a rename or
// symlink seen in one thread clears them all.
const namespaceChannel = new BroadcastChannel('palisade:fs-namespace');
namespaceChannel.onmessage = clearCaches;
(namespaceChannel as unknown as { unref(): void }).unref();

/**
 * Changes Palisade cannot see (other processes, native code) reach the caches
 * within this interval: every cached resolution is dropped this often.
 */
export const REAL_PATH_TTL_MS = 1000;
setInterval(clearCaches, REAL_PATH_TTL_MS).unref();

/** Called after any call that can change what paths resolve to (rename, unlink, symlink, mkdir, spawn, …). */
export function forgetRealPaths(): void {
  clearCaches();
  namespaceChannel.postMessage(0);
}
