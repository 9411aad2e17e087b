import { dirname } from 'node:path';
import { currentDir } from '../../normalize/path.js';
import { type Verdict, callSites, internalDirs, moduleReadMayPass } from '@palisade/core';

/**
 * Node's module loaders read sources through public fs functions: the
 * CommonJS loader (and the ESM translator for CommonJS) with `fs.readFileSync`
 * and `fs.realpathSync`, the ESM loader with `fs.promises.readFile`. Such a
 * read passes a restrictive `fs.read` allow list by core's `moduleReadMayPass`
 * rules, once the stack shows that the caller is Node's own module code
 * (`node:internal/modules/...`).
 */
const roots: string[] = [];

export function setAppRoots(dirs: readonly string[]): void {
  roots.length = 0;
  for (const d of dirs) roots.push(d.endsWith('/') ? d : `${d}/`);
}

/** The directories set by `setAppRoots`, or the default ones before that (for handing to another thread). */
export function appRoots(): readonly string[] {
  return roots.length > 0 ? roots : defaultAppRoots().map((d) => (d.endsWith('/') ? d : `${d}/`));
}

/** The app's directories: the working directory and the main script's, at start-up. */
export function defaultAppRoots(): string[] {
  const main = process.argv[1];
  return [currentDir(), ...(main ? [dirname(main)] : [])];
}

/**
 * Whether the caller of `wrapper` (the fs function the app sees) is Node's
 * module code — directly, or through Node's own fs functions (a loader that
 * holds the original readFileSync reaches the public openSync from inside it).
 */
function calledByModuleLoader(wrapper: Function): boolean {
  const sites = callSites(4, wrapper);
  for (const site of sites) {
    const file = site.getFileName() ?? '';
    if (file === 'node:fs' || file.startsWith('node:internal/fs/')) continue;
    return file.startsWith('node:internal/modules/');
  }
  return false;
}

/** True when a non-allow verdict on `path` is Node loading a module and may pass. */
export function moduleLoadMayPass(v: Verdict, path: string, isResolve: boolean, wrapper: Function): boolean {
  return moduleReadMayPass(v, path, isResolve, [...roots, ...internalDirs()]) && calledByModuleLoader(wrapper);
}
