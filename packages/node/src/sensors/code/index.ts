import { activeRuntime } from '@palisade/core';
import { adviseBackstop } from './backstop.js';
import { installDataImportSensor } from './data-import.js';
import { installEvalSensor } from './eval.js';
import { installInspectorSensor } from './inspector.js';
import { installNativeSensor } from './native.js';
import { installSqliteSensor } from './sqlite.js';
import { installVmSensor } from './vm.js';
import { inheritFromParent } from './worker-inherit.js';
import { installWorkerSensor } from './worker.js';

export { setCodeInspector, type CodeInspector, type CodeSource } from './common.js';
export { setWorkerPreload } from './worker.js';

/**
 * Code sensors: vm, eval and the Function constructors, data: imports
 * (`code.eval`); worker threads (`code.worker`); native addons, internal
 * bindings, SQLite extensions and the inspector (`code.native`). In a worker, the parent's
 * policy and scope are taken on first. Each part installs on its own: one
 * that fails is reported and the others still install.
 */
export function installCodeSensors(): void {
  const parts: ReadonlyArray<readonly [string, () => unknown]> = [
    ['worker inheritance', inheritFromParent],
    ['vm', installVmSensor],
    ['eval', installEvalSensor],
    ['data: import', installDataImportSensor],
    ['worker_threads', installWorkerSensor],
    ['native', installNativeSensor],
    ['inspector', installInspectorSensor],
    ['sqlite', installSqliteSensor],
    ['backstop advice', adviseBackstop],
  ];
  for (const [name, install] of parts) {
    try {
      install();
    } catch (err) {
      activeRuntime()?.recorder.internalError(`code sensor (${name})`, err);
    }
  }
}
