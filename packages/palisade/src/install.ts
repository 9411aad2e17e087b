import { fileURLToPath } from 'node:url';
import { activeRuntime, bundledOr } from '@palisade/core';
import { installLlmSensors, preloadDetectors } from '@palisade/llm';
import { checkPreload, installNodeSensors, setChildPreload, setCodeInspector, setWorkerPreload } from '@palisade/node';
import { inspectCode } from './code-inspection.js';

// Worker threads load Palisade through this module (see the code sensors).
// The bundled preload when the build made it (it starts faster), else the module itself.
const registerPath = fileURLToPath(bundledOr(new URL('./register.js', import.meta.url)));

/** Installs every sensor package. A sensor that fails to install is reported, never fatal to the app. */
export function installSensors(): void {
  const rt = activeRuntime();
  try {
    setWorkerPreload(registerPath);
    setChildPreload(registerPath);
    setCodeInspector(inspectCode);
    checkPreload({ registerPath });
    installNodeSensors();
  } catch (err) {
    rt?.recorder.internalError('node sensors', err);
  }
  try {
    preloadDetectors();
    installLlmSensors();
  } catch (err) {
    rt?.recorder.internalError('llm sensors', err);
  }
}
