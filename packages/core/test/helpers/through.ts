import { enforce } from '../../src/index.js';

/** Calls `enforce` from this module, so its frame is the innermost application frame. */
export function enforceThrough(capability: 'tool.call', target: string) {
  return enforce(capability, target);
}
