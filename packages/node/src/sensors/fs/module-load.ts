import { type Verdict, internalDirs, moduleReadMayPass } from '@palisade/core';

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

/** The directories set by `setAppRoots` (for handing to another thread). */
export function appRoots(): readonly string[] {
  return roots;
}

/** Whether the direct caller of `wrapper` (the fs function the app sees) is Node's module code. */
function calledByModuleLoader(wrapper: Function): boolean {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  let first: NodeJS.CallSite | undefined;
  try {
    Error.prepareStackTrace = (_e, s) => s;
    Error.stackTraceLimit = 1;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, wrapper);
    if (Array.isArray(holder.stack)) first = (holder.stack as NodeJS.CallSite[])[0];
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
  return (first?.getFileName() ?? '').startsWith('node:internal/modules/');
}

/** True when a non-allow verdict on `path` is Node loading a module and may pass. */
export function moduleLoadMayPass(v: Verdict, path: string, isResolve: boolean, wrapper: Function): boolean {
  return moduleReadMayPass(v, path, isResolve, [...roots, ...internalDirs()]) && calledByModuleLoader(wrapper);
}
