import fs from 'node:fs';
import { activeRuntime, deniedError } from '@palisade/core';
import { insideSensor } from '../../reentry.js';
import { wrap } from '../../wrap.js';
import { capabilitiesForFlags } from './flags.js';
import { guardPaths } from './guard-paths.js';
import type { FsOperation } from './operations.js';

type AnyFn = (...args: any[]) => any;

// The stream machinery opens the file later through `options.fs` (default: the
// fs module). Handing it the original functions keeps one decision per call.
const { open, close, read, write, writev } = fs;
const ORIGINAL_FS = { open, close, read, write, writev };

const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The options as Node's `getOptions` sees them: an encoding string becomes
 * `{ encoding }`, an object is copied (own properties read once, prototype
 * kept, so what Node validates on it is unchanged), and no options at all is
 * an empty object without a prototype, like Node's own default (a polluted
 * Object.prototype must not turn into options Node never had).
 */
function optionsObject(options: unknown): Record<string, unknown> {
  if (typeof options === 'string') return { encoding: options };
  if (options !== null && typeof options === 'object') return Object.assign(Object.create(getPrototypeOf(options) as object | null) as Record<string, unknown>, options);
  return Object.create(null) as Record<string, unknown>;
}

/** An `fs` stand-in whose open fails with the deny, so the stream errors the way Node reports ENOENT. */
function failingFs(err: Error) {
  return {
    ...ORIGINAL_FS,
    open: (_p: unknown, _f: unknown, _m: unknown, cb: (e: Error) => void) => process.nextTick(cb, err),
  };
}

function streamWrapper(name: 'createReadStream' | 'createWriteStream', original: AnyFn): AnyFn {
  const defaultFlags = name === 'createReadStream' ? 'r' : 'w';
  const op: FsOperation = {
    name,
    paths: [{ index: 0, caps: (a) => capabilitiesForFlags(optionsObject(a[1]).flags ?? defaultFlags), follow: true }],
    forms: '',
  };
  return function (this: unknown, path: unknown, options: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return Reflect.apply(original, this, arguments);
    // Options of another type: Node throws for them before it looks at the path.
    if (options != null && typeof options !== 'object' && typeof options !== 'string' && typeof options !== 'function') return Reflect.apply(original, this, arguments);
    const opts = optionsObject(options);
    // What the flags decide is read once: an inherited (or planted) `flags` getter must not answer twice.
    // Node reads them from a plain copy of the own properties, so an inherited value comes from Object.prototype.
    opts.flags = hasOwn.call(opts, 'flags') ? opts.flags : ({} as Record<string, unknown>).flags;
    // With an fd (or FileHandle), Node ignores the path: the descriptor was checked when opened.
    if (opts.fd !== undefined && opts.fd !== null) return Reflect.apply(original, this, arguments);
    const args = [path, opts];
    const denied = guardPaths(rt, op, args, `fs.${name}`, undefined);
    if (denied) return Reflect.apply(original, this, [args[0], { ...opts, fs: failingFs(deniedError(denied)) }]);
    if (opts.fs === undefined) opts.fs = ORIGINAL_FS;
    return Reflect.apply(original, this, [args[0], opts]);
  };
}

export function installStreams(): void {
  wrap(fs, 'createReadStream', (o: AnyFn) => streamWrapper('createReadStream', o));
  wrap(fs, 'createWriteStream', (o: AnyFn) => streamWrapper('createWriteStream', o));
}
