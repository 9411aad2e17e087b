/**
 * Which file a command name runs, resolved the way the kernel-facing exec
 * family does it: a name containing `/` is a path (relative to the child's
 * working directory); a bare name is searched in the PATH of the environment
 * the child gets, skipping entries that are not executable regular files.
 * Own copies of the fs and path helpers are taken at load so an app that
 * monkey-patches them cannot change the answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { originalOf } from '../wrap.js';

const statSync = originalOf(fs.statSync);
const accessSync = originalOf(fs.accessSync);
const realpathNative = originalOf(fs.realpathSync.native);
const resolvePath = path.resolve;
const basenameOf = path.basename;
const isAbsolutePath = path.isAbsolute;
const X_OK = fs.constants.X_OK;

/** PATH that libuv searches when the child's environment has none. */
export const SPAWN_DEFAULT_PATH = '/usr/bin:/bin';

/** An executable regular file (what execve accepts without EACCES). */
export function isExecutableFile(p: string): boolean {
  try {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st || !st.isFile()) return false;
    accessSync(p, X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path `name` runs; `undefined` when a bare name is found in no
 * PATH entry (the exec fails with ENOENT); `null` when the answer depends on
 * something not known here (a PATH or working directory computed at run time).
 */
export function resolveExecutable(name: string, pathValue: string | null | undefined, cwd: string | undefined, defaultPath: string): string | null | undefined {
  if (name.includes('/')) {
    if (isAbsolutePath(name)) return resolvePath(name);
    return cwd === undefined ? null : resolvePath(cwd, name);
  }
  if (pathValue === null) return null;
  const search = pathValue ?? defaultPath;
  for (const entry of search.split(':')) {
    let dir = entry === '' ? '.' : entry;
    if (!isAbsolutePath(dir)) {
      if (cwd === undefined) return null;
      dir = resolvePath(cwd, dir);
    }
    const candidate = resolvePath(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Base name of the file a path finally points at (`/bin/sh` → `dash`); the path's own base name when it cannot be resolved. */
export function realBaseName(p: string): string {
  try {
    return basenameOf(realpathNative(p));
  } catch {
    return basenameOf(p);
  }
}

/** The real path, or undefined. */
export function realPathOf(p: string): string | undefined {
  try {
    return realpathNative(p);
  } catch {
    return undefined;
  }
}

export { basenameOf, resolvePath, isAbsolutePath };
