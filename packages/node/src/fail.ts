import type { EventEmitter } from 'node:events';
import { type Verdict, deniedError } from '@palisade/core';

/**
 * Ways a denied call fails, matching how Node fails the same API: a throw for
 * sync calls, the error-first callback (never synchronously), a rejected
 * promise, or an 'error' event on the returned emitter.
 */
export function throwDenied(v: Verdict): never {
  throw deniedError(v);
}

export function callbackDenied(v: Verdict, callback: unknown): void {
  const err = deniedError(v);
  if (typeof callback === 'function') process.nextTick(callback as (e: Error) => void, err);
  else throw err;
}

export function rejectDenied(v: Verdict): Promise<never> {
  return Promise.reject(deniedError(v));
}

export function emitDenied(v: Verdict, emitter: EventEmitter & { destroy?: (err?: Error) => unknown }): void {
  const err = deniedError(v);
  process.nextTick(() => {
    if (typeof emitter.destroy === 'function') emitter.destroy(err);
    else emitter.emit('error', err);
  });
}

/** Last argument when it is a function: the callback of a callback-style API. */
export function lastCallback(args: ArrayLike<unknown>): ((...a: unknown[]) => unknown) | undefined {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  return typeof last === 'function' ? (last as (...a: unknown[]) => unknown) : undefined;
}
