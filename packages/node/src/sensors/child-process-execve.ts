/**
 * `process.execve` (Node >= 23.11) replaces this process with another
 * program: a spawn by other means, checked as `process.spawn` the same way.
 * There is no PATH search (a bare name is a file in the working directory),
 * and a deny throws, as Node throws when the exec fails.
 */
import { activeRuntime, deniedError } from '@palisade/core';
import { currentDir } from '../normalize/path.js';
import { wrap } from '../wrap.js';
import { planSpawn } from './child-process-check.js';

type AnyFn = (...args: any[]) => any;
const apply = Reflect.apply;
const isArray = Array.isArray;

function execveWrapper(original: AnyFn): AnyFn {
  return function execve(this: unknown, file: unknown, args?: unknown, env?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt || typeof file !== 'string' || file.length === 0 || file.includes('\0')) return apply(original, this, arguments);
    if (args !== undefined && !isArray(args)) return apply(original, this, arguments);
    if (env !== undefined && (env === null || typeof env !== 'object')) return apply(original, this, arguments);
    const argv = isArray(args) ? args.map((a) => `${a as string}`) : [];
    const path = file.includes('/') ? file : `./${file}`;
    const plan = planSpawn(rt, 'process.execve', path, argv[0], argv.slice(1), currentDir(), env ?? process.env);
    if (plan.denied) throw deniedError(plan.denied);
    return apply(original, this, [file, argv, plan.env]);
  };
}

export function installExecveSensor(): void {
  if (typeof (process as { execve?: unknown }).execve === 'function') wrap(process, 'execve', execveWrapper);
}
