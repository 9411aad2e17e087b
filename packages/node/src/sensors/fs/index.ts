import fs from 'node:fs';
import { learnFileHandleClass } from '../../normalize/path.js';
import { wrap } from '../../wrap.js';
import { installCp } from './cp.js';
import { installGlob } from './glob.js';
import { defaultAppRoots, setAppRoots } from './module-load.js';
import { FS_OPERATIONS, type FsOperation } from './operations.js';
import { installStreams } from './streams.js';
import { installPromisesWatch } from './watch.js';
import { callbackWrapper, promiseWrapper, syncWrapper, throwingWrapper } from './wrappers.js';

type AnyFn = (...args: any[]) => any;

function installOperation(op: FsOperation): void {
  const f = op.forms;
  if (f.includes('s')) wrap(fs, `${op.name}Sync`, (o: AnyFn) => syncWrapper(op, o, `fs.${op.name}Sync`));
  if (f.includes('c')) wrap(fs, op.name, (o: AnyFn) => callbackWrapper(op, o, `fs.${op.name}`));
  if (f.includes('r')) wrap(fs, op.name, (o: AnyFn) => promiseWrapper(op, o, `fs.${op.name}`));
  if (f.includes('t')) wrap(fs, op.name, (o: AnyFn) => throwingWrapper(op, o, `fs.${op.name}`));
  if (f.includes('p')) wrap(fs.promises, op.name, (o: AnyFn) => promiseWrapper(op, o, `fs.promises.${op.name}`));
}

/**
 * Wraps every public path-taking function of `fs` and `fs/promises` (one
 * object: `require('fs/promises') === require('fs').promises`).
 */
export function installFsSensor(roots?: readonly string[]): void {
  setAppRoots(roots ?? defaultAppRoots());
  learnFileHandleClass();
  for (const op of FS_OPERATIONS) installOperation(op);
  // `.native` variants hang off the wrapped functions (copied from the originals): wrap them too.
  const realpathOp = FS_OPERATIONS.find((o) => o.name === 'realpath')!;
  wrap(fs.realpathSync, 'native', (o: AnyFn) => syncWrapper(realpathOp, o, 'fs.realpathSync.native'));
  wrap(fs.realpath, 'native', (o: AnyFn) => callbackWrapper(realpathOp, o, 'fs.realpath.native'));
  installStreams();
  installCp();
  installGlob();
  installPromisesWatch();
}

/** Functions of `fs` that take no path (descriptors, handles) and need no check. */
export const FD_ONLY = new Set([
  'close', 'fchown', 'fchmod', 'fdatasync', 'fstat', 'fsync', 'ftruncate', 'futimes', 'read', 'readv',
  'write', 'writev', 'unwatchFile', '_toUnixTimestamp',
]);
