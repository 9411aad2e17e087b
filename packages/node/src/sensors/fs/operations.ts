import { type FsCapability, READ, WRITE, capabilitiesForFlags, flagOption } from './flags.js';

/** One path argument of an fs function and what the call does to it. */
export interface PathSpec {
  readonly index: number;
  readonly caps: (args: ArrayLike<unknown>) => readonly FsCapability[];
  /** Whether the call follows a symlink in the last component (stat) or acts on the link itself (lstat, unlink). */
  readonly follow: boolean;
  /** Index of the options argument whose `flag` decides `caps`: pinned before it is read (see `pinFlag`). */
  readonly pin?: number;
}

export interface FsOperation {
  readonly name: string;
  readonly paths: readonly PathSpec[];
  /** Can change what paths resolve to: clears the real-path cache. */
  readonly namespace?: boolean;
  /**
   * Forms present: s = `nameSync` (throws), c = `name` with a callback,
   * p = `promises.name`, r = `name` returning a promise, t = `name` that throws
   * (watchers).
   */
  readonly forms: string;
  /** Node's CommonJS loader reads modules through the sync form: see module-load.ts. */
  readonly loaderReads?: boolean;
}

const read = () => READ;
const write = () => WRITE;
const r = (index: number, follow = true): PathSpec => ({ index, caps: read, follow });
const w = (index: number, follow = true): PathSpec => ({ index, caps: write, follow });

/** Every public path-taking fs function. Forms: s = sync, c = callback, p = promises. */
export const FS_OPERATIONS: readonly FsOperation[] = [
  { name: 'access', paths: [r(0)], forms: 'scp' },
  { name: 'appendFile', paths: [{ index: 0, caps: (a) => flagOption(a[2], WRITE), follow: true, pin: 2 }], forms: 'scp' },
  { name: 'chmod', paths: [w(0)], forms: 'scp' },
  { name: 'lchmod', paths: [w(0, false)], forms: 'scp' },
  { name: 'chown', paths: [w(0)], forms: 'scp' },
  { name: 'lchown', paths: [w(0, false)], forms: 'scp' },
  { name: 'copyFile', paths: [r(0), w(1)], forms: 'scp' },
  { name: 'exists', paths: [r(0)], forms: 'sc' },
  { name: 'link', paths: [r(0), w(1, false)], namespace: true, forms: 'scp' },
  { name: 'lstat', paths: [r(0, false)], forms: 'scp' },
  { name: 'lutimes', paths: [w(0, false)], forms: 'scp' },
  { name: 'mkdir', paths: [w(0)], namespace: true, forms: 'scp' },
  // The new directory is named after the prefix: checking the prefix's location covers it.
  { name: 'mkdtemp', paths: [w(0, false)], namespace: true, forms: 'scp' },
  { name: 'mkdtempDisposable', paths: [w(0, false)], namespace: true, forms: 'sp' },
  // Node's loaders open module files themselves too (require() of an ES module).
  { name: 'open', paths: [{ index: 0, caps: (a) => capabilitiesForFlags(typeof a[1] === 'function' ? undefined : a[1]), follow: true }], forms: 'scp', loaderReads: true },
  { name: 'openAsBlob', paths: [r(0)], forms: 'r' },
  { name: 'opendir', paths: [r(0)], forms: 'scp' },
  { name: 'readdir', paths: [r(0)], forms: 'scp' },
  // A read with flag 'w' truncates: the flag decides, not the name.
  { name: 'readFile', paths: [{ index: 0, caps: (a) => flagOption(a[1], READ), follow: true, pin: 1 }], forms: 'scp', loaderReads: true },
  { name: 'readlink', paths: [r(0, false)], forms: 'scp' },
  { name: 'realpath', paths: [r(0)], forms: 'scp', loaderReads: true },
  { name: 'rename', paths: [w(0, false), w(1, false)], namespace: true, forms: 'scp' },
  { name: 'rm', paths: [w(0, false)], namespace: true, forms: 'scp' },
  { name: 'rmdir', paths: [w(0, false)], namespace: true, forms: 'scp' },
  { name: 'stat', paths: [r(0)], forms: 'scp' },
  { name: 'statfs', paths: [r(0)], forms: 'scp' },
  { name: 'symlink', paths: [w(1, false)], namespace: true, forms: 'scp' },
  { name: 'truncate', paths: [w(0)], forms: 'scp' },
  { name: 'unlink', paths: [w(0, false)], namespace: true, forms: 'scp' },
  { name: 'utimes', paths: [w(0)], forms: 'scp' },
  { name: 'writeFile', paths: [{ index: 0, caps: (a) => flagOption(a[2], WRITE), follow: true, pin: 2 }], forms: 'scp' },
  { name: 'watch', paths: [r(0)], forms: 't' },
  { name: 'watchFile', paths: [r(0)], forms: 't' },
];
