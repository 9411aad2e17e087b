/** Not installed yet. */
export function installFsSensor(): void {}
