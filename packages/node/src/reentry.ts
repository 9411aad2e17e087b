/**
 * Sensors call through to Node, and Node's own implementations call other
 * public functions (readFileSync → openSync). A depth counter makes such inner
 * calls pass unchecked, so each user call is decided once.
 */
let depth = 0;

export function insideSensor(): boolean {
  return depth > 0;
}

export function enter(): void {
  depth++;
}

export function leave(): void {
  depth--;
}

/** Runs `fn` as a sensor's call-through: inner public calls are not checked again. */
export function callThrough<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}
