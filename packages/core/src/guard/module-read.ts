import type { Verdict } from './verdict.js';

/**
 * When Node itself reads a module's source (a `require`, an `import`), a
 * restrictive `fs.read` allow list must not break the app; so a refused read
 * still passes when
 *  - the file is a module (.js .cjs .mjs .json .node) or a path being resolved,
 *  - it lies under the app (working directory or main script's directory at
 *    start-up), in a node_modules directory, or in Palisade itself, and
 *  - the verdict did not come from an explicit deny entry (`deny.fs.read`, a
 *    scope's deny, a flow's pattern deny): those win even over Node.
 * Whether Node is the one reading is for the caller to establish.
 */
const MODULE_FILE = /\.(?:c|m)?js$|\.json$|\.node$/;

export function explicitDeny(v: Verdict): boolean {
  return v.rule.startsWith('deny.') || v.rule.includes('.deny.');
}

/** `roots` end with `/`. */
export function moduleReadMayPass(v: Verdict, path: string, isResolve: boolean, roots: readonly string[]): boolean {
  if (explicitDeny(v)) return false;
  if (!isResolve && !MODULE_FILE.test(path)) return false;
  if (path.includes('/node_modules/')) return true;
  for (const root of roots) if (path.startsWith(root)) return true;
  return false;
}
