import { isWrapped, wrap } from '@palisade/core';

export { isWrapped };

type AnyFn = (this: unknown, ...args: any[]) => any;

/**
 * Replaces a method on a prototype with a wrapper, once (a second install —
 * CJS then ESM path to the same class — leaves it alone). Core's `wrap` keeps
 * the original's name, length and properties, and keeps the original itself
 * out of reach.
 */
export function wrapMethod(target: object, key: string, make: (original: AnyFn) => AnyFn): boolean {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (!desc || typeof desc.value !== 'function') return false;
  return wrap(target, key, make) !== undefined;
}
