/** Not installed yet. */
export function installNetworkSensors(): void {}
