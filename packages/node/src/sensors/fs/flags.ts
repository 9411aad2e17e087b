import { constants } from 'node:fs';
import { types } from 'node:util';

export type FsCapability = 'fs.read' | 'fs.write';
export const READ: readonly FsCapability[] = ['fs.read'];
export const WRITE: readonly FsCapability[] = ['fs.write'];
export const READ_WRITE: readonly FsCapability[] = ['fs.read', 'fs.write'];

const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = constants;

/**
 * What opening with these flags can do. O_TRUNC, O_CREAT and O_APPEND write
 * even when the access mode says read-only (Linux truncates on O_RDONLY|O_TRUNC).
 * Values Node rejects are classed as reads; Node then throws its own error.
 */
export function capabilitiesForFlags(flags: unknown, fallback: readonly FsCapability[] = READ): readonly FsCapability[] {
  if (typeof flags === 'string') {
    const writes = /[wa+]/.test(flags);
    const reads = /[r+]/.test(flags);
    return writes ? (reads ? READ_WRITE : WRITE) : READ;
  }
  if (typeof flags === 'number') {
    const mode = flags & 3;
    const writes = mode === O_WRONLY || mode === O_RDWR || (flags & (O_CREAT | O_TRUNC | O_APPEND)) !== 0;
    const reads = mode !== O_WRONLY;
    return writes ? (reads ? READ_WRITE : WRITE) : READ;
  }
  return fallback;
}

/** `flag` of an options argument (readFile/writeFile/appendFile), or the default. */
export function flagOption(options: unknown, fallback: readonly FsCapability[]): readonly FsCapability[] {
  if (options !== null && typeof options === 'object') {
    const flag = (options as { flag?: unknown }).flag;
    if (flag !== undefined) return capabilitiesForFlags(flag, fallback);
  }
  return fallback;
}

const getPrototypeOf = Object.getPrototypeOf;
const OBJECT_PROTOTYPE = Object.prototype;
const isProxy = types.isProxy;
const create = Object.create;
const assign = Object.assign;
const defineProperty = Object.defineProperty;

/**
 * An options object whose `flag` decides what a call does (read or write),
 * copied so that Node reads exactly what the check read: the caller's own
 * properties as plain values, the same prototype, and `flag` fixed as an own
 * property. A getter (own, inherited, or planted on Object.prototype by
 * another getter) cannot answer `r` to the check and `w` to Node.
 * Non-objects (encoding strings, callbacks) are returned as they are.
 */
export function pinFlag(options: unknown): unknown {
  if (options === null || typeof options !== 'object') return options;
  const proto = getPrototypeOf(options) as object | null;
  // A plain object (the common case) is copied by spreading, which keeps the copy cheap; anything else keeps its prototype.
  const copy = proto === OBJECT_PROTOTYPE && !isProxy(options) ? { ...(options as Record<string, unknown>) } : assign(create(proto) as Record<string, unknown>, options);
  // Defined, not assigned: a setter planted on Object.prototype (by a getter the copy just ran) must not intercept it.
  defineProperty(copy, 'flag', { value: copy.flag, writable: true, enumerable: true, configurable: true });
  return copy;
}
