/** Not installed yet. */
export function installCodeSensors(): void {}
