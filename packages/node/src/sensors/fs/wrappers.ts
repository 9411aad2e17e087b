import { activeRuntime } from '@palisade/core';
import { callbackDenied, lastCallback, rejectDenied, throwDenied } from '../../fail.js';
import { forgetRealPaths, trackFileHandle } from '../../normalize/path.js';
import { enter, insideSensor, leave } from '../../reentry.js';
import { guardPaths } from './guard-paths.js';
import type { FsOperation } from './operations.js';

type AnyFn = (...args: any[]) => any;
const slice = Array.prototype.slice;
const apply = Reflect.apply;

const ignore = (): void => {};

type Args = { [i: number]: unknown; length: number };

function callThrough(original: AnyFn, self: unknown, args: Args, namespace: boolean | undefined): unknown {
  if (namespace) forgetRealPaths();
  enter();
  try {
    return apply(original, self, args as unknown[]);
  } finally {
    leave();
    if (namespace) forgetRealPaths();
  }
}

/** `fs.xSync`: a deny throws (existsSync returns false, as it does for any failure). */
export function syncWrapper(op: FsOperation, original: AnyFn, api: string): AnyFn {
  const isExists = op.name === 'exists';
  const wrapper = function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return apply(original, this, arguments);
    // Strict-mode `arguments` is a plain array-like: path substitutions land in it directly.
    const denied = guardPaths(rt, op, arguments, api, op.loaderReads ? wrapper : undefined);
    if (denied) return isExists ? false : throwDenied(denied);
    return callThrough(original, this, arguments, op.namespace);
  };
  return wrapper;
}

/** `fs.x(..., callback)`: a deny goes to the callback on the next tick (exists gets false). */
export function callbackWrapper(op: FsOperation, original: AnyFn, api: string): AnyFn {
  const isExists = op.name === 'exists';
  return function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return apply(original, this, arguments);
    const args = slice.call(arguments);
    const denied = guardPaths(rt, op, args, api, undefined);
    if (denied) {
      const cb = lastCallback(args);
      if (isExists && cb) process.nextTick(cb, false);
      else callbackDenied(denied, cb);
      return undefined;
    }
    if (op.namespace) {
      const cb = lastCallback(args);
      if (cb) {
        args[args.length - 1] = function (this: unknown) {
          forgetRealPaths();
          return apply(cb, this, arguments);
        };
      }
    }
    return callThrough(original, this, args, op.namespace);
  };
}

/** `fs.promises.x` and promise-returning `fs.x` (openAsBlob): a deny rejects. */
export function promiseWrapper(op: FsOperation, original: AnyFn, api: string): AnyFn {
  const tracksHandles = op.name === 'open';
  // fs.promises functions are async functions: whatever reading their arguments throws becomes a rejection.
  const async = api.startsWith('fs.promises.');
  const wrapper = function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return apply(original, this, arguments);
    const args = slice.call(arguments);
    let denied: ReturnType<typeof guardPaths>;
    try {
      // Node's ESM loader reads sources with fs.promises.readFile: see module-load.ts.
      denied = guardPaths(rt, op, args, api, op.loaderReads ? wrapper : undefined);
    } catch (err) {
      if (async) return Promise.reject(err);
      throw err;
    }
    if (denied) return rejectDenied(denied);
    const result = callThrough(original, this, args, op.namespace);
    // Known before the caller sees it: a FileHandle passed where a path goes is read by descriptor (see pathArg).
    if (tracksHandles && result instanceof Promise) result.then(trackFileHandle, ignore);
    if (op.namespace && result instanceof Promise) {
      return result.finally(forgetRealPaths);
    }
    return result;
  };
  return wrapper;
}

/** Watchers and other calls that report a bad path by throwing. */
export function throwingWrapper(op: FsOperation, original: AnyFn, api: string): AnyFn {
  return function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return apply(original, this, arguments);
    const args = slice.call(arguments);
    const denied = guardPaths(rt, op, args, api, undefined);
    if (denied) throwDenied(denied);
    return callThrough(original, this, args, op.namespace);
  };
}
