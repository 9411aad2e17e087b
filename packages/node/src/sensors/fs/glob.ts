import fs from 'node:fs';
import path from 'node:path';
import { activeRuntime } from '@palisade/core';
import { callbackDenied, lastCallback, throwDenied } from '../../fail.js';
import { currentDir, realPath } from '../../normalize/path.js';
import { insideSensor } from '../../reentry.js';
import { wrap } from '../../wrap.js';
import { deniedIterator } from './watch.js';

type AnyFn = (...args: any[]) => any;
const resolve = path.resolve;

/** The literal directory a glob pattern starts from: everything before the first segment with glob syntax. */
export function globBase(pattern: string, cwd: string): string {
  const abs = resolve(cwd, pattern);
  const parts = abs.split('/');
  const literal: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!+@]/.test(part)) break;
    literal.push(part);
  }
  return literal.join('/') || '/';
}

/**
 * `fs.glob` (Node 22+) lists directories: an `fs.read` of each pattern's
 * literal base directory. Names it returns under an allowed base are not
 * checked one by one (reading any of them is).
 */
function globWrapper(original: AnyFn, form: 'sync' | 'callback' | 'iterator'): AnyFn {
  const api = form === 'sync' ? 'fs.globSync' : form === 'iterator' ? 'fs.promises.glob' : 'fs.glob';
  return function (this: unknown, patterns: unknown, options: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || insideSensor()) return Reflect.apply(original, this, arguments);
    const list = typeof patterns === 'string' ? [patterns] : Array.isArray(patterns) ? patterns : [];
    const cwdOption = options !== null && typeof options === 'object' ? (options as { cwd?: unknown }).cwd : undefined;
    const cwd = typeof cwdOption === 'string' ? resolve(currentDir(), cwdOption) : currentDir();
    for (const p of list) {
      if (typeof p !== 'string') continue;
      const v = rt.decide('fs.read', realPath(globBase(p, cwd)), api);
      if (v.action !== 'deny') continue;
      if (form === 'sync') throwDenied(v);
      if (form === 'iterator') return deniedIterator(v);
      callbackDenied(v, lastCallback(arguments));
      return undefined;
    }
    return Reflect.apply(original, this, arguments);
  };
}

export function installGlob(): void {
  if (typeof (fs as { globSync?: unknown }).globSync === 'function') wrap(fs, 'globSync', (o: AnyFn) => globWrapper(o, 'sync'));
  if (typeof (fs as { glob?: unknown }).glob === 'function') wrap(fs, 'glob', (o: AnyFn) => globWrapper(o, 'callback'));
  if (typeof (fs.promises as { glob?: unknown }).glob === 'function') wrap(fs.promises, 'glob', (o: AnyFn) => globWrapper(o, 'iterator'));
}
