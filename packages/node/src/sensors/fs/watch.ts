import fs from 'node:fs';
import { type Verdict, activeRuntime, deniedError } from '@palisade/core';
import { insideSensor } from '../../reentry.js';
import { wrap } from '../../wrap.js';
import { guardPaths } from './guard-paths.js';
import type { FsOperation } from './operations.js';

type AnyFn = (...args: any[]) => any;

/** An async iterator that fails on first use, as `fs.promises.watch` does for a missing path. */
export function deniedIterator(v: Verdict): AsyncIterableIterator<never> {
  const err = deniedError(v);
  const it: AsyncIterableIterator<never> = {
    next: () => Promise.reject(err),
    return: () => Promise.resolve({ done: true, value: undefined as never }),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

const WATCH: FsOperation = { name: 'watch', paths: [{ index: 0, caps: () => ['fs.read'], follow: true }], forms: '' };

export function installPromisesWatch(): void {
  wrap(fs.promises, 'watch', (original: AnyFn) => function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return Reflect.apply(original, this, arguments);
    const args = Array.prototype.slice.call(arguments);
    const denied = guardPaths(rt, WATCH, args, 'fs.promises.watch', undefined);
    return denied ? deniedIterator(denied) : Reflect.apply(original, this, args);
  });
}
