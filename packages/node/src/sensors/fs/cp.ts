import fs from 'node:fs';
import { type Runtime, deniedError, activeRuntime } from '@palisade/core';
import { callbackDenied, lastCallback, rejectDenied, throwDenied } from '../../fail.js';
import { argTarget, forgetRealPaths, pathArg } from '../../normalize/path.js';
import { callOut, enter, insideSensor, leave } from '../../reentry.js';
import { wrap } from '../../wrap.js';
import { guardPaths } from './guard-paths.js';
import type { FsOperation } from './operations.js';

type AnyFn = (...args: any[]) => any;
type Filter = (src: string, dest: string) => boolean | Promise<boolean>;

const CP: FsOperation = {
  name: 'cp',
  paths: [
    { index: 0, caps: () => ['fs.read'], follow: true },
    { index: 1, caps: () => ['fs.write'], follow: true },
  ],
  namespace: true,
  forms: '',
};

/**
 * A recursive copy reads every file under the source: each entry is checked
 * through Node's own `filter` hook (read the source, write the destination),
 * so a denied file inside an allowed directory stops the copy. The user's
 * filter still runs, with checks on.
 */
function entryFilter(rt: Runtime, api: string, userFilter: unknown, sync: boolean): Filter {
  const user = typeof userFilter === 'function' ? (userFilter as Filter) : undefined;
  return (src: string, dest: string) => {
    for (const [p, cap, follow] of [[src, 'fs.read', true], [dest, 'fs.write', false]] as const) {
      const arg = pathArg(p);
      if (!arg || arg.absolute === undefined) continue;
      let target: string;
      try {
        target = argTarget(arg as typeof arg & { absolute: string }, follow);
      } catch (err) {
        const v = rt.fault(cap, arg.absolute, err, api);
        if (v.action !== 'deny') continue;
        if (sync) throw deniedError(v);
        return Promise.reject(deniedError(v));
      }
      const v = rt.settle(rt.check(cap, target), api);
      if (v.action === 'deny') {
        if (sync) throw deniedError(v);
        return Promise.reject(deniedError(v));
      }
    }
    return user ? callOut(() => user(src, dest)) : true;
  };
}

function withFilter(args: unknown[], optionsIndex: number, filter: Filter): void {
  const given = args[optionsIndex];
  const options = given !== null && typeof given === 'object' ? { ...(given as object) } : {};
  (options as { filter?: Filter }).filter = filter;
  args[optionsIndex] = options;
}

function cpWrapper(original: AnyFn, form: 'sync' | 'callback' | 'promise'): AnyFn {
  const api = form === 'sync' ? 'fs.cpSync' : form === 'promise' ? 'fs.promises.cp' : 'fs.cp';
  return function (this: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return Reflect.apply(original, this, arguments);
    const args = Array.prototype.slice.call(arguments);
    const cb = form === 'callback' ? lastCallback(args) : undefined;
    if (cb) args.pop();
    const denied = guardPaths(rt, CP, args, api, undefined);
    if (denied) {
      if (form === 'sync') throwDenied(denied);
      if (form === 'promise') return rejectDenied(denied);
      callbackDenied(denied, cb);
      return undefined;
    }
    const userFilter = (args[2] as { filter?: unknown } | undefined)?.filter;
    withFilter(args, 2, entryFilter(rt, api, userFilter, form === 'sync'));
    if (cb) {
      args.push((err: unknown) => {
        forgetRealPaths();
        cb(err);
      });
    }
    forgetRealPaths();
    enter();
    try {
      const result = Reflect.apply(original, this, args);
      return form === 'promise' && result instanceof Promise ? result.finally(forgetRealPaths) : result;
    } finally {
      leave();
      if (form === 'sync') forgetRealPaths();
    }
  };
}

export function installCp(): void {
  wrap(fs, 'cpSync', (o: AnyFn) => cpWrapper(o, 'sync'));
  wrap(fs, 'cp', (o: AnyFn) => cpWrapper(o, 'callback'));
  wrap(fs.promises, 'cp', (o: AnyFn) => cpWrapper(o, 'promise'));
}
