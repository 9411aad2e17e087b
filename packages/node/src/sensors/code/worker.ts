import { fileURLToPath } from 'node:url';
import workerThreads from 'node:worker_threads';
import { activeRuntime, currentScope, registerPreload } from '@palisade/core';
import { insideSensor } from '../../reentry.js';
import { realPath, shareRealPathForgetting, toAbsolute } from '../../normalize/path.js';
import { withoutRegister } from '../../preload-check.js';
import { wrap } from '../../wrap.js';
import { guardClass, guardHandleClass, symbolValue } from './class-guard.js';
import { dataUrlText, guardCode, guardSource, warnOnce } from './common.js';
import { INHERIT_KEY, type Inherited } from './worker-inherit.js';

/**
 * `new Worker()` → `code.worker`. Target: the script's real absolute path, or
 * `eval` for `eval: true` code and `data:` URLs. Denied: throws synchronously,
 * as Node does when its permission model refuses a worker.
 *
 * Allowed workers start with Palisade loaded: workers never run the parent's
 * `--import` for eval code, and `execArgv: []` drops inherited preloads, but
 * they do run `--require` given in their own execArgv (for file, eval and
 * data: workers alike: the build's CommonJS register module, or the ES one
 * through require(esm)).
 * So the register module is put first in the worker's execArgv, and the
 * parent's policy and scope go along as environment data (worker-inherit.ts).
 */
type AnyFn = (...args: any[]) => any;

let registerPath: string | undefined;

/** The module that starts Palisade (palisade/register); set by the palisade package at install. */
export function setWorkerPreload(path: string | undefined): void {
  registerPath = path;
}

// What a worker without its own execArgv inherits: the process's, as it started.
const startExecArgv: readonly string[] = [...process.execArgv];
// Inherited flags a worker accepts (per-process and V8 flags are refused in execArgv); learned on first refusal.
let inheritable: readonly string[] | undefined;
const inheritedArgv = new WeakSet<object>();

function preloadArgs(): string[] {
  if (!registerPath) return [];
  return [...registerPreload(registerPath, !!process.features.require_module)];
}

const OPTION_KEYS = ['eval', 'execArgv', 'argv', 'env', 'workerData', 'stdin', 'stdout', 'stderr', 'resourceLimits', 'name', 'trackUnmanagedFds', 'transferList'];

/**
 * Options read once into a fresh object, so a getter or an `Object.prototype`
 * entry cannot show the check one value and Node another. Unknown keys Node
 * might read in a later version are copied when the caller set them.
 */
function snapshotOptions(options: unknown): Record<string, unknown> {
  const snap: Record<string, unknown> = Object.create(null);
  if (options === undefined) return snap;
  const source = options as Record<string, unknown>;
  if (typeof options === 'object') for (const k of Object.keys(source)) snap[k] = source[k];
  for (const k of OPTION_KEYS) {
    if (k in snap) continue;
    const v = source[k];
    if (v !== undefined) snap[k] = v;
  }
  return snap;
}

function isURLLike(v: unknown): v is { href: unknown } {
  if (v instanceof URL) return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Boolean(o.href && o.protocol && o.auth === undefined && o.path === undefined);
}

/**
 * The decision target (undefined when Node will refuse the arguments itself)
 * and the filename to hand Node: what was checked, never the caller's object,
 * whose getters could answer differently the second time.
 */
function workerTarget(filename: unknown, opts: Record<string, unknown>): { target?: string; source?: string; filename: unknown } {
  if (opts.eval) return typeof filename === 'string' ? { target: 'eval', source: filename, filename } : { filename: {} };
  if (isURLLike(filename)) {
    let url: URL;
    try {
      url = new URL(String(filename.href));
    } catch {
      return { filename: {} };
    }
    if (url.protocol === 'data:') return { target: 'eval', source: dataUrlText(url.href), filename: url };
    if (url.protocol !== 'file:') return { filename: url };
    try {
      return { target: realPath(fileURLToPath(url)), filename: url };
    } catch {
      return { filename: url };
    }
  }
  if (typeof filename !== 'string') return { filename: typeof filename === 'object' && filename !== null ? {} : filename };
  if (filename.includes('\0') || (!filename.startsWith('/') && !/^\.\.?[\\/]/.test(filename))) return { filename };
  // Node resolves a relative path with process.cwd(), which the app can replace: it gets the absolute path checked.
  const absolute = toAbsolute(filename);
  return { target: realPath(absolute), filename: absolute };
}

function injectPreload(opts: Record<string, unknown>, target: string): void {
  const pre = preloadArgs();
  if (pre.length === 0) {
    warnOnce('PALISADE_WORKER_UNPROTECTED', 'Palisade: the register module is unknown, so worker threads start without Palisade; start Palisade through the palisade package');
    return;
  }
  if (pre[0] === '--import' && target === 'eval') {
    warnOnce('PALISADE_WORKER_UNPROTECTED', `Palisade: Node ${process.version} cannot preload Palisade into eval and data: workers (needs require(esm), Node >= 20.19); they run without it`);
  }
  const own = opts.execArgv;
  if (own) {
    if (Array.isArray(own)) opts.execArgv = [...pre, ...own];
    return; // not an array: Node throws its own error
  }
  opts.execArgv = [...pre, ...(inheritable ?? withoutRegister(startExecArgv, registerPath))];
  inheritedArgv.add(opts);
}

function inheritance(): Inherited | undefined {
  const rt = activeRuntime();
  if (!rt) return undefined;
  const scope = currentScope();
  return {
    policy: rt.policy,
    source: rt.source,
    ...(scope ? { scope: { kind: scope.kind, attributes: { ...scope.attributes }, tool: scope.tool, labels: [...scope.labels()] } } : {}),
  };
}

function workerArgs(args: unknown[]): unknown[] {
  shareRealPathForgetting();
  if (insideSensor() || !activeRuntime()) return args;
  if (args[1] === null) return args; // Node throws reading options of null
  const opts = snapshotOptions(args[1]);
  const t = workerTarget(args[0], opts);
  const out = [...args];
  out[0] = t.filename;
  out[1] = opts;
  if (t.target === undefined) return out; // Node refuses these arguments, reading the same values
  if (t.source !== undefined) guardSource('code.worker', t.target, 'worker_threads.Worker', t.source);
  else guardCode('code.worker', t.target, 'worker_threads.Worker');
  injectPreload(opts, t.target);
  const data = inheritance();
  if (data) workerThreads.setEnvironmentData(INHERIT_KEY, data as unknown as workerThreads.Serializable);
  return out;
}

/** Flags named in Node's ERR_WORKER_INVALID_EXEC_ARGV message. */
function refusedFlags(err: unknown): string[] | undefined {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof e.message !== 'string') return undefined;
  const m = /invalid execArgv flags: (.*)$/s.exec(e.message);
  return m?.[1] ? m[1].split(', ') : undefined;
}

/** Inherited flags a worker refuses are dropped (they are process-wide and apply to it anyway), and remembered. */
function constructWorker(original: AnyFn, args: unknown[], newTarget: AnyFn): object {
  const opts = args[1] as Record<string, unknown> | undefined;
  try {
    return Reflect.construct(original, args, newTarget) as object;
  } catch (err) {
    const refused = refusedFlags(err);
    if (!refused || !opts || !inheritedArgv.has(opts)) throw err;
    const pre = preloadArgs();
    const base = inheritable ?? withoutRegister(startExecArgv, registerPath);
    inheritable = base.filter((a) => !refused.includes(a));
    opts.execArgv = [...pre, ...inheritable];
    try {
      return Reflect.construct(original, args, newTarget) as object;
    } catch (again) {
      if (!refusedFlags(again)) throw again;
      inheritable = [];
      opts.execArgv = pre;
      return Reflect.construct(original, args, newTarget) as object;
    }
  }
}

/**
 * A Worker holds its native handle under a symbol until it exits; the
 * handle's class starts threads on its own, so it is guarded as a worker
 * whose code is unknown (`eval`), with the preload forced in.
 */
function guardWorkerHandle(instance: object): void {
  const handle = symbolValue(instance, (v) => typeof (v as { startThread?: unknown }).startThread === 'function');
  if (!handle) return;
  guardHandleClass(handle, (args) => {
    shareRealPathForgetting();
    guardCode('code.worker', 'eval', 'WorkerImpl');
    const pre = preloadArgs();
    args[2] = [...pre, ...(Array.isArray(args[2]) ? (args[2] as unknown[]) : [])];
    return args;
  });
}

export function installWorkerSensor(): void {
  wrap(workerThreads, 'Worker', (Worker: AnyFn) => guardClass(Worker, { before: workerArgs, after: guardWorkerHandle, construct: constructWorker }));
}
