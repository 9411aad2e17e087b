import * as core from '@palisade/core';
import './own-dir.js';
import { installSensors } from './install.js';

export * from '@palisade/core';
export { installSensors, start as init };

/**
 * Loads the policy (or takes the one given) and installs the sensors, for apps
 * that start Palisade from code instead of `--import palisade/register`.
 * Modules imported before this call keep their unwrapped references.
 */
export function start(options: core.InitOptions = {}): core.Runtime {
  const rt = core.init(options);
  installSensors();
  return rt;
}

/** The API as one object: `import { palisade } from 'palisade'`. */
export const palisade = {
  init: start,
  configure: core.init,
  shutdown: core.shutdown,
  run: core.run,
  tool: core.tool,
  label: core.label,
  labels: core.labels,
  scope: core.scope,
  on: core.on,
  off: core.off,
  check: core.check,
  enforce: core.enforce,
  stats: core.stats,
  flush: core.flush,
  verifyAuditLog: core.verifyAuditLog,
} as const;

export default palisade;
