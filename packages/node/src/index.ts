import { markInternalDir } from '@palisade/core';

markInternalDir(new URL('..', import.meta.url));

/** Wraps Node's builtin modules so each sensitive call asks the guard first. */
export function installNodeSensors(): void {}
