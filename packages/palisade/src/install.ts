import { activeRuntime, mainEntryIsCommonJS } from '@palisade/core';
import { installLlmSensors } from '@palisade/llm';
import { checkPreload, installNodeSensors, setChildPreload, setCodeInspector, setWorkerPreload } from '@palisade/node';
import { inspectCode } from './code-inspection.js';
import { registerPath } from './register-path.js';

/**
 * Installs every sensor package. A sensor that fails to install is reported, never fatal to the app.
 * Worker threads and child processes load Palisade through the register module (see the code sensors).
 */
export function installSensors(): void {
  const rt = activeRuntime();
  try {
    setWorkerPreload(registerPath);
    setChildPreload(registerPath);
    setCodeInspector(inspectCode);
    checkPreload({ registerPath });
    installNodeSensors({ deferUnreached: mainEntryIsCommonJS(registerPath) });
  } catch (err) {
    rt?.recorder.internalError('node sensors', err);
  }
  try {
    installLlmSensors();
  } catch (err) {
    rt?.recorder.internalError('llm sensors', err);
  }
}
