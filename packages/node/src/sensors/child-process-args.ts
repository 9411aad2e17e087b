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
  /** What Node gets as the arguments when one could not be converted (see `stringify`); `args` otherwise. */
  readonly argsForNode?: unknown[] | undefined;
}

/**
 * A call Node will reject with its own error. `rejected` holds the arguments
 * to hand Node for that: the copies read here wherever Node would otherwise
 * read the caller's objects again (an argument list, an options object), so
 * a getter or a Proxy cannot make the second reading valid — and the call run
 * unchecked.
 */
export interface Rejected {
  /** null: the caller's own arguments, which Node rejects on their types alone, before reading anything that could change. */
  readonly rejected: unknown[] | null;
  /** The options as the caller gave them, when Node reads them before it rejects (execFileSync's `stdio`). */
  readonly given?: unknown;
}

export function isRejected(c: object): c is Rejected {
  return 'rejected' in c;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** An argv0 Node's validation throws for. */
function invalidArgv0(v: unknown): boolean {
  return v != null && (typeof v !== 'string' || v.includes('\0'));
}

export interface ExecFileCall extends SpawnCall {
  readonly callback: ((...a: unknown[]) => unknown) | undefined;
  /** The options object as the caller gave it (Node still reads some options from it, inherited ones included). */
  readonly given?: unknown;
}

export interface ForkCall extends SpawnCall {
  readonly modulePath: string;
  readonly userArgs: readonly string[];
  readonly execPath: string;
  readonly execArgv: readonly string[];
  /** What Node gets as execArgv and arguments when one could not be converted (see `stringify`). */
  readonly forkForNode?: { readonly execArgv: unknown[]; readonly args: unknown[] } | undefined;
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

/**
 * Arguments as Node turns them into strings: `String()` per argument, or
 * Array#join when a shell gets them; each converted once. A conversion that
 * throws (a Symbol, a toString that throws) is handled as Node handles it:
 * Array#join (shells) throws, so the call is Node's to reject; without a
 * shell Node converts in its C++ spawn, where Node 20 throws the error of the
 * last failing argument and Node 24 passes an empty string — so such an
 * argument is checked as the empty string, and `replay` holds values that
 * convert (or throw) exactly as these did, which Node gets instead of the
 * caller's objects: it then throws, or runs what was checked.
 */
export function stringify(list: readonly unknown[], shell: boolean): { readonly strings: string[]; readonly replay: unknown[] | undefined } {
  const strings: string[] = [];
  const replay: unknown[] = [];
  let failed = false;
  for (const a of list) {
    if (shell && a == null) {
      strings.push('');
      replay.push(a);
      continue;
    }
    const primitive = (typeof a !== 'object' && typeof a !== 'function') || a === null;
    try {
      const text = `${a as string}`;
      strings.push(text);
      replay.push(primitive ? a : { [Symbol.toPrimitive]: () => text });
    } catch (err) {
      failed = true;
      strings.push('');
      replay.push(primitive ? a : { [Symbol.toPrimitive]: () => { throw err; } });
    }
  }
  return { strings, replay: failed ? replay : undefined };
}

function shellOf(options: Options): string | undefined {
  const s = options.shell;
  if (!s) return undefined;
  return typeof s === 'string' ? s : '/bin/sh';
}

function cwdOf(options: Options): string | undefined {
  const c = options.cwd;
  if (c == null) {
    try {
      return currentDir();
    } catch {
      return undefined; // the working directory was deleted: unknown, as for a cwd Node may reject
    }
  }
  const p = pathArg(c);
  if (!p) return undefined;
  // Node gets the value that was checked (a copy of a Buffer, the path of a URL).
  options.cwd = p.pass;
  return p.absolute;
}

/** Whether Node's validation of the `cwd` option (already replaced by what was read) throws: not a path, or a NUL in it. */
function cwdRejected(options: Options): boolean {
  const c = options.cwd;
  if (c == null || c === '') return false;
  if (typeof c === 'string') return c.includes('\0');
  if (c instanceof Uint8Array) return c.includes(0);
  return pathArg(c)?.text === undefined;
}

function validFile(file: unknown): file is string {
  return typeof file === 'string' && file.length > 0 && !file.includes('\0');
}

/** spawn(file, args?, options?) and spawnSync. */
export function spawnCall(file: unknown, args: unknown, options: unknown): SpawnCall | Rejected {
  // Node checks the file first, then the arguments, then the options: where it stops, later ones are never read.
  if (!validFile(file)) return { rejected: null };
  let list: unknown[];
  let opts = options;
  if (isArray(args)) list = slice.call(args);
  else if (args == null) list = [];
  else if (typeof args !== 'object') return { rejected: null };
  else {
    opts = args;
    list = [];
  }
  if (hasNul(list)) return { rejected: [file, list, opts] };
  if (opts !== undefined && !isOptionsObject(opts)) return { rejected: null };
  const o = copyOptions(opts);
  const shell = shellOf(o);
  const converted = stringify(list, shell !== undefined);
  if (converted.replay && shell !== undefined) return { rejected: [file, converted.replay, o] }; // Array#join throws
  const cwd = cwdOf(o);
  if (cwdRejected(o)) return { rejected: [file, converted.replay ?? converted.strings, o] };
  return { file, args: converted.strings, argsForNode: converted.replay, options: o, shell, argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined, cwd };
}

/** execFile(file, args?, options?, callback?) and execFileSync (no callback). */
export function execFileCall(file: unknown, args: unknown, options: unknown, callback: unknown): ExecFileCall | Rejected {
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
  else return { rejected: null };
  if (typeof opts === 'function') cb = opts;
  else if (opts != null && !isOptionsObject(opts)) return { rejected: null };
  if (cb != null && typeof cb !== 'function') return { rejected: null };
  // A function given as options is spread too: its own properties are options.
  const o = copyOptions(opts ?? {});
  // Node validates argv0 on the options as given, inherited properties included (later it keeps own ones only).
  if (!hasOwn.call(o, 'argv0') && opts != null) {
    const inherited = (opts as Options).argv0;
    if (invalidArgv0(inherited)) o.argv0 = inherited;
  }
  // Node checks argv0 first; past that point it has read the options as given (see ExecFileCall.given).
  const rejected = (argList: unknown[], given?: unknown): Rejected => ({ rejected: cb === undefined ? [file, argList, o] : [file, argList, o, cb], given });
  if (invalidArgv0(o.argv0)) return rejected(list);
  if (!validFile(file) || hasNul(list)) return rejected(list, opts);
  const shell = shellOf(o);
  const converted = stringify(list, shell !== undefined);
  if (converted.replay && shell !== undefined) return rejected(converted.replay, opts);
  const cwd = cwdOf(o);
  if (cwdRejected(o)) return rejected(converted.replay ?? converted.strings, opts);
  return {
    file,
    args: converted.strings,
    argsForNode: converted.replay,
    options: o,
    shell,
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd,
    callback: typeof cb === 'function' ? (cb as (...a: unknown[]) => unknown) : undefined,
    given: opts,
  };
}

/** exec(command, options?, callback?) and execSync: execFile of the command with a shell. */
export function execCall(command: unknown, options: unknown, callback: unknown, async = true): ExecFileCall | Rejected {
  if (!validFile(command)) return { rejected: null };
  let opts = options;
  let cb = callback;
  if (typeof opts === 'function') {
    cb = opts;
    opts = undefined;
  }
  const o = copyOptions(opts);
  o.shell = typeof o.shell === 'string' ? o.shell : true;
  if (invalidArgv0(o.argv0)) return { rejected: async ? [command, o, cb] : [command, o] };
  if (cb != null && typeof cb !== 'function') return { rejected: null };
  const cwd = cwdOf(o);
  if (cwdRejected(o)) return { rejected: async ? [command, o, cb] : [command, o] };
  return {
    file: command,
    args: [],
    options: o,
    shell: typeof o.shell === 'string' ? o.shell : '/bin/sh',
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd,
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
  return pathArg(value)?.text;
}

interface ProcessWithEval {
  _eval?: string | null;
}

/** fork(modulePath, args?, options?). */
export function forkCall(modulePath: unknown, args: unknown, options: unknown): ForkCall | Rejected {
  const mp = modulePathOf(modulePath);
  if (mp === undefined) return { rejected: [modulePath, args, options] }; // modulePath: already the value read once (see the wrapper)
  let list: unknown[];
  let opts = options;
  if (args == null) list = [];
  else if (typeof args === 'object' && !isArray(args)) {
    opts = args;
    list = [];
  } else if (isArray(args)) list = slice.call(args);
  else return { rejected: [mp, args, options] };
  if (opts != null && !isOptionsObject(opts)) return { rejected: [mp, list, opts] }; // types alone: nothing re-read decides
  const o = copyOptions(opts);
  o.shell = false;
  const execPath = o.execPath || process.execPath;
  if (!validFile(execPath)) return { rejected: [mp, list, o] };
  let execArgv: unknown[] = o.execArgv ? [...(o.execArgv as Iterable<unknown>)] : process.execArgv.slice();
  if (o.execArgv) o.execArgv = execArgv;
  const evalCode = (process as unknown as ProcessWithEval)._eval;
  if (!o.execArgv && evalCode != null) {
    // Node drops the parent's own -e/-p code so a child does not fork itself again.
    const index = execArgv.lastIndexOf(evalCode);
    if (index > 0) execArgv.splice(index - 1, 2);
  }
  if (hasNul(execArgv) || hasNul(list)) return { rejected: [mp, list, o] };
  const convertedExecArgv = stringify(execArgv, false);
  const convertedArgs = stringify(list, false);
  execArgv = convertedExecArgv.strings;
  const userArgs = convertedArgs.strings;
  const forNode = convertedExecArgv.replay || convertedArgs.replay ? { execArgv: convertedExecArgv.replay ?? execArgv, args: convertedArgs.replay ?? userArgs } : undefined;
  const cwd = cwdOf(o);
  if (cwdRejected(o)) return { rejected: [mp, forNode?.args ?? userArgs, o] };
  return {
    file: execPath,
    args: [...(execArgv as string[]), mp, ...userArgs],
    options: o,
    shell: undefined,
    argv0: typeof o.argv0 === 'string' ? o.argv0 : undefined,
    cwd,
    modulePath: mp,
    userArgs,
    execPath,
    execArgv: execArgv as string[],
    forkForNode: forNode,
  };
}

/** Absolute form of a path relative to a call's working directory. */
export function absoluteIn(cwd: string | undefined, p: string): string | undefined {
  if (p.startsWith('/')) return resolvePath(p);
  return cwd === undefined ? undefined : resolvePath(cwd, p);
}
