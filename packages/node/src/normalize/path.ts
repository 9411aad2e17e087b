import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

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

/** Absolute and normalized against the real current directory. */
export function toAbsolute(p: string): string {
  // Fast path for the common case: already absolute and clean.
  if (p.charCodeAt(0) === 47 && !p.includes('/.') && !p.includes('//') && (p.length === 1 || p.charCodeAt(p.length - 1) !== 47)) return p;
  return resolve(currentDir(), p);
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
  if (realCache.size >= CACHE_LIMIT) realCache.clear();
  realCache.set(abs, real);
  return real;
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

export function forgetRealPaths(): void {
  realCache.clear();
}
