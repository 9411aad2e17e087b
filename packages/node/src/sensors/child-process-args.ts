/**
 * Reads the arguments of each child_process function exactly as Node's own
 * lib/child_process.js does (Node 20 and 24): which file, which arguments,
 * which shell, environment and working directory. Options are copied once
 * into a null-prototype object of their own enumerable properties (what
 * Node's `{ __proto__: null, ...options }` reads; an inherited, polluted
 * `Object.prototype.shell` is not read by Node and is not read here), and
 * that copy is what Node then gets, so a getter cannot show one value to the
 * check and another to Node.
 *
 * `undefined` means Node will throw its own validation error for these
 * arguments before anything runs: the caller passes them through unchanged.
 */
import path from 'node:path';
import url from 'node:url';
import { currentDir, pathArg } from '../normalize/path.js';

const isArray = Array.isArray;
const slice = Array.prototype.slice;
const fileURLToPath = url.fileURLToPath;
const URLClass = URL;
const resolvePath = path.resolve;

export type Options = Record<string, unknown>;

export interface SpawnCall {
  /** File as given (the command text when a shell runs it). */
  readonly file: string;
  readonly args: readonly string[];
  /** Own-property copy of the options: what Node gets. */
  readonly options: Options;
  /** Program Node runs the command with when it uses a shell. */
  readonly shell: string | undefined;
  /** argv[0] when Node passes one (spawn, spawnSync, execFileSync, fork). */
  readonly argv0: string | undefined;
  /** The child's working directory, absolute; undefined when Node may reject it. */
  readonly cwd: string | undefined;
}

export interface ExecFileCall extends SpawnCall {
  readonly callback: ((...a: unknown[]) => unknown) | undefined;
}

export interface ForkCall extends SpawnCall {
  readonly modulePath: string;
  readonly userArgs: readonly string[];
  readonly execPath: string;
  readonly execArgv: readonly string[];
}

function copyOptions(o: unknown): Options {
  return Object.assign(Object.create(null) as Options, o);
}

function isOptionsObject(o: unknown): boolean {
  return o !== null && typeof o === 'object' && !isArray(o);
}

function hasNul(list: readonly unknown[]): boolean {
  for (const a of list) if (typeof a === 'string' && a.includes('\0')) return true;
  return false;
}

/** Arguments as Node turns them into strings: `String()` per argument, or Array#join when a shell gets them. */
function stringify(list: readonly unknown[], shell: boolean): string[] {
  return list.map((a) => (shell && a == null ? '' : `${a as string}`));
}

function shellOf(options: Options): string | undefined {
  const s = options.shell;
  if (!s) return undefined;
  return typeof s === 'string' ? s : '/bin/sh';
}

function cwdOf(options: Options): string | undefined {
  const c = options.cwd;
  if (c == null) return currentDir();
  const p = pathArg(c);
  if (!p) return undefined;
  // Node gets the value that was checked (a copy of a Buffer, the path of a URL).
  options.cwd = p.pass;
  return p.absolute;
}

function validFile(file: unknown): file is string {
  return typeof file === 'string' && file.length > 0 && !file.includes('\0');
}

/** spawn(file, args?, options?) and spawnSync. */
export function spawnCall(file: unknown, args: unknown, options: unknown): SpawnCall | undefined {
  if (!validFile(file)) return undefined;
  let list: unknown[];
  let opts = options;
  if (isArray(args)) list = slice.call(args);
  else if (args == null) list = [];
  else if (typeof args !== 'object') return undefined;
  else {
    opts = args;
    list = [];
  }
  if (hasNul(list)) return undefined;
  if (opts !== undefined && !isOptionsObject(opts)) return undefined;
  const o = copyOptions(opts);
  const shell = shellOf(o);
  return { file, args: stringify(list, shell !== undefined), options: o, shell, argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined, cwd: cwdOf(o) };
}

/** execFile(file, args?, options?, callback?) and execFileSync (no callback). */
export function execFileCall(file: unknown, args: unknown, options: unknown, callback: unknown): ExecFileCall | undefined {
  let list: unknown[];
  let opts = options;
  let cb = callback;
  if (isArray(args)) list = slice.call(args);
  else if (args != null && typeof args === 'object') {
    cb = opts;
    opts = args;
    list = [];
  } else if (typeof args === 'function') {
    cb = args;
    opts = null;
    list = [];
  } else if (args == null) list = [];
  else return undefined;
  if (typeof opts === 'function') cb = opts;
  else if (opts != null && !isOptionsObject(opts)) return undefined;
  if (cb != null && typeof cb !== 'function') return undefined;
  if (!validFile(file) || hasNul(list)) return undefined;
  // A function given as options is spread too: its own properties are options.
  const o = copyOptions(opts ?? {});
  if (o.argv0 != null && (typeof o.argv0 !== 'string' || o.argv0.includes('\0'))) return undefined;
  const shell = shellOf(o);
  return {
    file,
    args: stringify(list, shell !== undefined),
    options: o,
    shell,
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd: cwdOf(o),
    callback: typeof cb === 'function' ? (cb as (...a: unknown[]) => unknown) : undefined,
  };
}

/** exec(command, options?, callback?) and execSync: execFile of the command with a shell. */
export function execCall(command: unknown, options: unknown, callback: unknown): ExecFileCall | undefined {
  if (!validFile(command)) return undefined;
  let opts = options;
  let cb = callback;
  if (typeof opts === 'function') {
    cb = opts;
    opts = undefined;
  }
  const o = copyOptions(opts);
  o.shell = typeof o.shell === 'string' ? o.shell : true;
  if (cb != null && typeof cb !== 'function') return undefined;
  return {
    file: command,
    args: [],
    options: o,
    shell: typeof o.shell === 'string' ? o.shell : '/bin/sh',
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd: cwdOf(o),
    callback: typeof cb === 'function' ? (cb as (...a: unknown[]) => unknown) : undefined,
  };
}

function modulePathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? undefined : value;
  if (value instanceof Uint8Array) {
    const s = Buffer.from(value).toString('utf8');
    return s.includes('\0') ? undefined : s;
  }
  if (value instanceof URLClass) {
    if (value.protocol !== 'file:') return undefined;
    try {
      return fileURLToPath(value);
    } catch {
      return undefined;
    }
  }
  const p = pathArg(value);
  return p && typeof p.pass === 'string' ? p.pass : undefined;
}

interface ProcessWithEval {
  _eval?: string | null;
}

/** fork(modulePath, args?, options?). */
export function forkCall(modulePath: unknown, args: unknown, options: unknown): ForkCall | undefined {
  const mp = modulePathOf(modulePath);
  if (mp === undefined) return undefined;
  let list: unknown[];
  let opts = options;
  if (args == null) list = [];
  else if (typeof args === 'object' && !isArray(args)) {
    opts = args;
    list = [];
  } else if (isArray(args)) list = slice.call(args);
  else return undefined;
  if (opts != null && !isOptionsObject(opts)) return undefined;
  const o = copyOptions(opts);
  o.shell = false;
  const execPath = o.execPath || process.execPath;
  if (!validFile(execPath)) return undefined;
  let execArgv: unknown[] = o.execArgv ? [...(o.execArgv as Iterable<unknown>)] : process.execArgv.slice();
  const evalCode = (process as unknown as ProcessWithEval)._eval;
  if (!o.execArgv && evalCode != null) {
    // Node drops the parent's own -e/-p code so a child does not fork itself again.
    const index = execArgv.lastIndexOf(evalCode);
    if (index > 0) execArgv.splice(index - 1, 2);
  }
  if (hasNul(execArgv) || hasNul(list)) return undefined;
  execArgv = stringify(execArgv, false);
  const userArgs = stringify(list, false);
  return {
    file: execPath,
    args: [...(execArgv as string[]), mp, ...userArgs],
    options: o,
    shell: undefined,
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd: cwdOf(o),
    modulePath: mp,
    userArgs,
    execPath,
    execArgv: execArgv as string[],
  };
}

/** Absolute form of a path relative to a call's working directory. */
export function absoluteIn(cwd: string | undefined, p: string): string | undefined {
  if (p.startsWith('/')) return resolvePath(p);
  return cwd === undefined ? undefined : resolvePath(cwd, p);
}
