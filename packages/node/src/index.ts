// First: snapshots the CommonJS modules loaded before the sensors and their dependencies.
export { checkPreload, type PreloadReport, type PreloadCheckOptions } from './preload-check.js';
import { syncBuiltinESMExports } from 'node:module';
import { activeRuntime, markInternalDir } from '@palisade/core';
import { installChildProcessSensor } from './sensors/child-process.js';
import { installCodeSensors } from './sensors/code/index.js';
import { installFsSensor } from './sensors/fs/index.js';
import { installNetworkSensors } from './sensors/network/index.js';
import { announceThread } from './normalize/path.js';

markInternalDir(new URL('.', import.meta.url));

export interface NodeSensorOptions {
  /**
   * Wrap https and http2 when the app can first reach them rather than now
   * (reach.ts): for a main thread whose entry is CommonJS.
   */
  readonly deferUnreached?: boolean;
}

let installed = false;

/**
 * Wraps Node's builtin modules so each sensitive call asks the guard first,
 * then publishes the wrapped functions to ESM named imports. Idempotent. A
 * sensor that fails to install is reported as an internal error; the others
 * still install.
 */
export function installNodeSensors(options: NodeSensorOptions = {}): void {
  if (installed) return;
  installed = true;
  const sensors: ReadonlyArray<readonly [string, () => void]> = [
    ['fs', installFsSensor],
    ['child_process', installChildProcessSensor],
    ['network', () => installNetworkSensors(options.deferUnreached === true)],
    ['code', installCodeSensors],
  ];
  for (const [name, install] of sensors) {
    try {
      install();
    } catch (err) {
      activeRuntime()?.recorder.internalError(`${name} sensor`, err);
    }
  }
  syncBuiltinESMExports();
  announceThread();
}

export { pathArg, realPath, toAbsolute, forgetRealPaths } from './normalize/path.js';
export { deferredBuiltins } from './reach.js';
export { installFsSensor };
export { appRoots, setAppRoots } from './sensors/fs/module-load.js';
export { wrap, originalOf, isWrapped } from './wrap.js';
export { setChildPreload } from './sensors/child-process-propagate.js';
export { setCodeInspector, setWorkerPreload, type CodeInspector, type CodeSource } from './sensors/code/index.js';
export { INHERIT_KEY, type Inherited } from './sensors/code/worker-inherit.js';
