import { type Verdict, internalDirs } from '@palisade/core';

/**
 * Node's module loaders read sources through public fs functions: the
 * CommonJS loader (and the ESM translator for CommonJS) with `fs.readFileSync`
 * and `fs.realpathSync`, the ESM loader with `fs.promises.readFile`. A restrictive `fs.read` allow list
 * must not break `require`, so such reads pass when all of these hold:
 *  - the caller is Node's own module code (`node:internal/modules/...`);
 *  - the file is a module (.js .cjs .mjs .json .node) or a directory being resolved;
 *  - it lies under the app (the working directory or the main script's
 *    directory at start-up), in a node_modules directory, or in Palisade itself;
 *  - the verdict did not come from an explicit deny entry (`deny.fs.read`,
 *    a scope's deny, a flow's pattern deny): those win even over Node.
 */
const MODULE_FILE = /\.(?:c|m)?js$|\.json$|\.node$/;
const roots: string[] = [];

export function setAppRoots(dirs: readonly string[]): void {
  roots.length = 0;
  for (const d of dirs) roots.push(d.endsWith('/') ? d : `${d}/`);
}

/** The directories set by `setAppRoots` (for handing to another thread). */
export function appRoots(): readonly string[] {
  return roots;
}

function underApp(path: string): boolean {
  if (path.includes('/node_modules/')) return true;
  for (const root of roots) if (path.startsWith(root)) return true;
  for (const root of internalDirs()) if (path.startsWith(root)) return true;
  return false;
}

function explicitDeny(v: Verdict): boolean {
  return v.rule.startsWith('deny.') || v.rule.includes('.deny.');
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
  if (explicitDeny(v)) return false;
  if (!isResolve && !MODULE_FILE.test(path)) return false;
  if (!underApp(path)) return false;
  return calledByModuleLoader(wrapper);
}
