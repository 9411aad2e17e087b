import { activeRuntime } from '@palisade/core';
import { installNodeSensors } from '@palisade/node';

/** Installs every sensor package. A sensor that fails to install is reported, never fatal to the app. */
export function installSensors(): void {
  const rt = activeRuntime();
  try {
    installNodeSensors();
  } catch (err) {
    rt?.recorder.internalError('node sensors', err);
  }
}
