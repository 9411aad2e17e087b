/** Not installed yet. */
export function installChildProcessSensor(): void {}
