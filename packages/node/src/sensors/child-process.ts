/**
 * child_process sensor: spawn, spawnSync, exec, execSync, execFile,
 * execFileSync, fork, and ChildProcess#spawn (reachable as
 * `new ChildProcess().spawn(options)`, and what Node's own spawn, exec,
 * execFile and fork end in) → `process.spawn`; also process.execve where
 * Node has it.
 *
 * Each public function reads its arguments as Node does (child-process-args),
 * decides (child-process-check), and on allow calls Node with the very values
 * it checked: its own copy of the options, the environment it built, and —
 * where argv[0] can be kept — the absolute path of the executable it found, so
 * a file appearing earlier in PATH after the check cannot be the one run.
 * Node's own internal call to ChildProcess#spawn is recognised by exact
 * command, arguments and environment; any other call of it is checked itself
 * (and a deny throws: that method has no error channel of its own).
 */
import cp, { type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { activeRuntime, deniedError } from '@palisade/core';
import { currentDir, forgetRealPaths, pathArg } from '../normalize/path.js';
import { originalOf, wrap } from '../wrap.js';
import { type ExecFileCall, type Options, type SpawnCall, execCall, execFileCall, forkCall, isRejected, spawnCall, stringify } from './child-process-args.js';
import { type SpawnPlan, planFinalEnv, planSpawn } from './child-process-check.js';
import { deniedChild, deniedExecChild, deniedSyncResult, throwDeniedSync } from './child-process-denied.js';
import type { EnvRecord } from './child-process-env.js';
import { installExecveSensor } from './child-process-execve.js';

type AnyFn = (...args: any[]) => any;
const apply = Reflect.apply;
const isArray = Array.isArray;
const resolveCwd = (p: string): string => (p.startsWith('/') ? p : `${currentDir()}/${p}`);

// ---- Node's internal ChildProcess#spawn call, announced by the wrapper that makes it ----

interface Expected {
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: string;
}
let expected: Expected | undefined;

const COVERAGE = 'NODE_V8_COVERAGE=';

/** Environment pairs as Node builds them, minus the coverage variable Node may add itself. */
function pairKey(pairs: Iterable<unknown>): string {
  const out: string[] = [];
  for (const p of pairs) if (typeof p === 'string' && !p.startsWith(COVERAGE)) out.push(p);
  return out.join('\0');
}

function envPairs(env: EnvRecord): string[] {
  const out: string[] = [];
  for (const k in env) out.push(`${k}=${env[k]}`);
  return out;
}

function matches(e: Expected, options: unknown): boolean {
  if (options === null || typeof options !== 'object') return false;
  const o = options as { file?: unknown; args?: unknown; envPairs?: unknown };
  if (o.file !== e.file || !isArray(o.args) || o.args.length !== e.argv.length) return false;
  for (let i = 0; i < e.argv.length; i++) if (o.args[i] !== e.argv[i]) return false;
  return isArray(o.envPairs) && pairKey(o.envPairs) === e.env;
}

function callExpecting<T>(file: string, argv: readonly string[], env: EnvRecord, fn: () => T): T {
  expected = { file, argv, env: pairKey(envPairs(env)) };
  try {
    return fn();
  } finally {
    expected = undefined;
  }
}

// ---- what a child may have changed ----

// A child can rename, delete or symlink paths this process has resolved: cached real paths are
// dropped when it exits (sync calls: when they return), not only at the cache's TTL.
function forgetAfter<T>(run: () => T): T {
  try {
    return run();
  } finally {
    forgetRealPaths();
  }
}

function forgetOnExit(child: unknown): void {
  if (child !== null && typeof child === 'object' && typeof (child as ChildProcess).once === 'function') (child as ChildProcess).once('exit', () => forgetRealPaths());
}

// ---- what Node gets ----

interface Final {
  /** File argument for Node (pinned to the absolute path when allowed). */
  readonly file: string;
  readonly options: Options;
  /** The program and argv Node's spawn will hand to ChildProcess#spawn. */
  readonly nodeFile: string;
  readonly nodeArgv: readonly string[];
  readonly pinned: boolean;
}

/** `pin`: argv[0] is preserved through `argv0` by this function, so the executable may be replaced by its absolute path. */
function finalCall(call: SpawnCall, plan: SpawnPlan, pin: boolean, argv0Honored: boolean): Final {
  const o = Object.assign(Object.create(null) as Options, call.options);
  o.env = plan.env;
  let file = call.file;
  let pinned = false;
  const exe = plan.executable;
  if (pin && exe !== undefined) {
    if (call.shell !== undefined) {
      if (exe !== call.shell) {
        o.shell = exe;
        if (call.argv0 === undefined) o.argv0 = call.shell;
        pinned = true;
      }
    } else if (exe !== call.file) {
      file = exe;
      if (call.argv0 === undefined) o.argv0 = call.file;
      pinned = true;
    }
  }
  const nodeFile = call.shell !== undefined ? (typeof o.shell === 'string' ? o.shell : '/bin/sh') : file;
  const rest = call.shell !== undefined ? ['-c', [call.file, ...call.args].join(' ')] : call.args;
  const first = argv0Honored && typeof o.argv0 === 'string' ? o.argv0 : nodeFile;
  return { file, options: o, nodeFile, nodeArgv: [first, ...rest], pinned };
}

function commandOf(call: SpawnCall): { exe: string; argv: readonly string[] } {
  return call.shell !== undefined ? { exe: call.shell, argv: ['-c', [call.file, ...call.args].join(' ')] } : { exe: call.file, argv: call.args };
}

function restoreSpawnfile(child: ChildProcess, f: Final, shown: string): void {
  if (f.pinned && child && typeof child === 'object') (child as { spawnfile: string }).spawnfile = shown;
}

// ---- wrappers ----

function spawnWrapper(original: AnyFn): AnyFn {
  return function spawn(this: unknown, file: unknown, args?: unknown, options?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt) return apply(original, this, arguments);
    const call = spawnCall(file, args, options);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    const { exe, argv } = commandOf(call);
    const plan = planSpawn(rt, 'child_process.spawn', exe, call.argv0, argv, call.cwd, call.options.env);
    if (plan.denied) return deniedChild(deniedError(plan.denied), { spawnfile: exe, spawnargs: [call.argv0 ?? exe, ...argv], stdio: call.options.stdio });
    const f = finalCall(call, plan, true, true);
    const child = callExpecting(f.nodeFile, f.nodeArgv, plan.env, () => apply(original, this, [f.file, call.argsForNode ?? call.args.slice(), f.options]) as ChildProcess);
    restoreSpawnfile(child, f, exe);
    return child;
  };
}

function spawnSyncWrapper(original: AnyFn): AnyFn {
  return function spawnSync(this: unknown, file: unknown, args?: unknown, options?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt) return apply(original, this, arguments);
    const call = spawnCall(file, args, options);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    const { exe, argv } = commandOf(call);
    const plan = planSpawn(rt, 'child_process.spawnSync', exe, call.argv0, argv, call.cwd, call.options.env);
    if (plan.denied) return deniedSyncResult(deniedError(plan.denied));
    const f = finalCall(call, plan, true, true);
    return forgetAfter(() => apply(original, this, [f.file, call.argsForNode ?? call.args.slice(), f.options]));
  };
}

function execCmd(call: SpawnCall): string {
  return call.args.length > 0 ? `${call.file} ${call.args.join(' ')}` : call.file;
}

function encodingOf(o: Options): unknown {
  return 'encoding' in o ? o.encoding : 'utf8';
}

/** exec and execFile end in Node's execFile; argv0 is not passed on there, so nothing is pinned. */
function asyncExec(self: unknown, api: string, call: ExecFileCall, execFile: AnyFn): ChildProcess {
  const rt = activeRuntime()!;
  const { exe, argv } = commandOf(call);
  const plan = planSpawn(rt, api, exe, undefined, argv, call.cwd, call.options.env);
  if (plan.denied) {
    return deniedExecChild(deniedError(plan.denied), { spawnfile: exe, spawnargs: [exe, ...argv], stdio: 'pipe' }, execCmd(call), encodingOf(call.options), call.callback);
  }
  const f = finalCall(call, plan, false, false);
  const list = call.args.length > 0 || api.endsWith('execFile') ? [f.file, call.argsForNode ?? call.args.slice(), f.options, call.callback] : [f.file, f.options, call.callback];
  return callExpecting(f.nodeFile, f.nodeArgv, plan.env, () => apply(execFile, self, list) as ChildProcess);
}

function execFileWrapper(original: AnyFn): AnyFn {
  return function execFile(this: unknown, file: unknown, args?: unknown, options?: unknown, callback?: unknown): unknown {
    if (!activeRuntime()) return apply(original, this, arguments);
    const call = execFileCall(file, args, options, callback);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    return asyncExec(this, 'child_process.execFile', call, original);
  };
}

function execWrapper(original: AnyFn, execFile: AnyFn): AnyFn {
  return function exec(this: unknown, command: unknown, options?: unknown, callback?: unknown): unknown {
    if (!activeRuntime()) return apply(original, this, arguments);
    const call = execCall(command, options, callback);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    return asyncExec(this, 'child_process.exec', call, execFile);
  };
}

function execSyncWrapper(original: AnyFn): AnyFn {
  return function execSync(this: unknown, command: unknown, options?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt) return apply(original, this, arguments);
    const call = execCall(command, options, undefined, false);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    const { exe, argv } = commandOf(call);
    const plan = planSpawn(rt, 'child_process.execSync', exe, call.argv0, argv, call.cwd, call.options.env);
    if (plan.denied) return throwDeniedSync(deniedError(plan.denied));
    const f = finalCall(call, plan, true, true);
    return forgetAfter(() => apply(original, this, [f.file, f.options]));
  };
}

/**
 * Node's execFileSync reads `stdio` on the options as given, inherited
 * properties included, to decide whether to echo the child's stderr, before
 * it validates the rest (the spawn itself takes own properties only). Read it
 * once, at that point (a getter that throws stops the call, as in Node), and
 * hand Node the value read the same way: the prototype returned here goes on
 * the copy of the options it gets, for a call Node rejects too.
 */
function givenStdio(given: unknown): object | undefined {
  if (given === null || (typeof given !== 'object' && typeof given !== 'function')) return undefined;
  if (Object.prototype.hasOwnProperty.call(given, 'stdio')) return undefined; // own: copied with the rest
  const value = (given as { stdio?: unknown }).stdio;
  return value === undefined ? undefined : { __proto__: null, stdio: value };
}

function execFileSyncWrapper(original: AnyFn): AnyFn {
  return function execFileSync(this: unknown, file: unknown, args?: unknown, options?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt) return apply(original, this, arguments);
    const call = execFileCall(file, args, options, undefined);
    const stdio = givenStdio(call.given);
    if (isRejected(call)) {
      if (stdio && call.rejected) Object.setPrototypeOf(call.rejected[2] as object, stdio);
      return apply(original, this, call.rejected ?? arguments);
    }
    const { exe, argv } = commandOf(call);
    const plan = planSpawn(rt, 'child_process.execFileSync', exe, call.argv0, argv, call.cwd, call.options.env);
    if (plan.denied) return throwDeniedSync(deniedError(plan.denied));
    // With a shell, argv0 would change the error message Node builds: pin only without one.
    const f = finalCall(call, plan, call.shell === undefined, true);
    if (stdio) Object.setPrototypeOf(f.options, stdio);
    return forgetAfter(() => apply(original, this, [f.file, call.argsForNode ?? call.args.slice(), f.options]));
  };
}

function forkStdio(o: Options): unknown {
  if (typeof o.stdio === 'string' || isArray(o.stdio)) return o.stdio;
  return o.silent ? 'pipe' : 'inherit';
}

function forkWrapper(original: AnyFn): AnyFn {
  return function fork(this: unknown, modulePath: unknown, args?: unknown, options?: unknown): unknown {
    const rt = activeRuntime();
    if (!rt) return apply(original, this, arguments);
    // A URL-like object is read once (see pathArg): Node gets the path, or the snapshot it will reject.
    if ((typeof modulePath === 'object' && modulePath !== null && !(modulePath instanceof Uint8Array)) || typeof modulePath === 'function') {
      modulePath = pathArg(modulePath)?.pass ?? modulePath;
    }
    const call = forkCall(modulePath, args, options);
    if (isRejected(call)) return apply(original, this, call.rejected ?? arguments);
    const plan = planSpawn(rt, 'child_process.fork', call.execPath, call.argv0, call.args, call.cwd, call.options.env);
    if (plan.denied) {
      return deniedChild(deniedError(plan.denied), { spawnfile: call.execPath, spawnargs: [call.argv0 ?? call.execPath, ...call.args], stdio: forkStdio(call.options), ipc: true });
    }
    const f = finalCall(call, plan, true, true);
    f.options.execPath = f.file;
    f.options.execArgv = call.forkForNode?.execArgv ?? call.execArgv.slice();
    const child = callExpecting(f.nodeFile, f.nodeArgv, plan.env, () => apply(original, this, [call.modulePath, call.forkForNode?.args ?? call.userArgs.slice(), f.options]) as ChildProcess);
    restoreSpawnfile(child, f, call.execPath);
    return child;
  };
}

function envFromPairs(pairs: unknown): EnvRecord | undefined {
  if (!isArray(pairs)) return undefined;
  const env = Object.create(null) as EnvRecord;
  for (const p of pairs) {
    const s = `${p as string}`;
    const eq = s.indexOf('=');
    if (eq > 0) env[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return env;
}

function protoSpawnWrapper(original: AnyFn): AnyFn {
  return function spawn(this: unknown, options: unknown): unknown {
    const e = expected;
    if (e !== undefined) {
      expected = undefined;
      if (matches(e, options)) return spawned(this, apply(original, this, arguments));
    }
    const rt = activeRuntime();
    if (!rt || options === null || typeof options !== 'object') return apply(original, this, arguments);
    const o = Object.assign(Object.create(null) as Options, options);
    if (typeof o.file !== 'string' || (o.args !== undefined && !isArray(o.args))) return apply(original, this, [o]);
    // Converted once, as Node converts them (see stringify): one that cannot be is checked as Node 24 runs it (empty).
    const converted = stringify(isArray(o.args) ? (o.args as unknown[]) : [], false);
    const argv = converted.strings;
    const env = envFromPairs(o.envPairs) ?? snapshotProcessEnv();
    const cwd = typeof o.cwd === 'string' && o.cwd.length > 0 ? resolveCwd(o.cwd) : o.cwd == null ? currentDir() : undefined;
    const plan = planFinalEnv(rt, 'ChildProcess.spawn', o.file, argv[0], argv.slice(1), cwd, env);
    if (plan.denied) throw deniedError(plan.denied);
    o.args = converted.replay ?? argv;
    o.envPairs = envPairs(plan.env);
    return spawned(this, apply(original, this, [o]));
  };
}

/** Every process started (sync ones aside) passes here: Node's spawn, exec, execFile and fork end in ChildProcess#spawn. */
function spawned(child: unknown, result: unknown): unknown {
  forgetOnExit(child);
  return result;
}

/** Without envPairs the child gets the real process environment (own keys only). */
function snapshotProcessEnv(): EnvRecord {
  const env = Object.create(null) as EnvRecord;
  for (const k of Object.keys(process.env)) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

function customPromisify(fn: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]): Promise<unknown> {
    let child: unknown;
    const promise = new Promise((resolve, reject) => {
      child = apply(fn, this, [
        ...args,
        (err: (Error & { stdout?: unknown; stderr?: unknown }) | null, stdout: unknown, stderr: unknown) => {
          if (err !== null) {
            err.stdout = stdout;
            err.stderr = stderr;
            reject(err);
          } else resolve({ stdout, stderr });
        },
      ]);
    });
    (promise as Promise<unknown> & { child?: unknown }).child = child;
    return promise;
  };
}

function definePromisify(fn: AnyFn): void {
  Object.defineProperty(fn, promisify.custom, { value: customPromisify(fn), enumerable: false });
}

let installed = false;

export function installChildProcessSensor(): void {
  if (installed) return;
  installed = true;
  const execFileOriginal = originalOf(cp.execFile as AnyFn);
  wrap(cp, 'spawn', spawnWrapper);
  wrap(cp, 'spawnSync', spawnSyncWrapper);
  wrap(cp, 'execFile', (o: AnyFn) => {
    const w = execFileWrapper(o);
    definePromisify(w);
    return w;
  });
  wrap(cp, 'exec', (o: AnyFn) => {
    const w = execWrapper(o, execFileOriginal);
    definePromisify(w);
    return w;
  });
  wrap(cp, 'execSync', execSyncWrapper);
  wrap(cp, 'execFileSync', execFileSyncWrapper);
  wrap(cp, 'fork', forkWrapper);
  wrap(cp.ChildProcess.prototype, 'spawn', protoSpawnWrapper);
  installExecveSensor();
}

export { setChildPreload } from './child-process-propagate.js';
