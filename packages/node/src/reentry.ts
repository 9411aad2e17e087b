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

/**
 * Runs user code (a filter callback, say) from inside a call-through with
 * checks on again, so calls it makes are decided like any other.
 */
export function callOut<T>(fn: () => T): T {
  const saved = depth;
  depth = 0;
  try {
    return fn();
  } finally {
    depth = saved;
  }
}
