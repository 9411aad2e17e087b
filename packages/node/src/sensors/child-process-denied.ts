/**
 * How a denied spawn fails: the way Node fails a spawn whose executable does
 * not exist (ENOENT). The async functions return a ChildProcess that never
 * started (no pid, its pipes closed) and emits 'error' on the next tick, then
 * 'close' — never 'spawn' or 'exit'. exec/execFile also pass the error to
 * their callback with empty output. spawnSync returns a result whose `error`
 * is set; execSync/execFileSync throw.
 */
import cp, { type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { type PalisadeDeniedError } from '@palisade/core';

const ChildProcessClass = cp.ChildProcess;
const BufferAlloc = Buffer.alloc;
const isEncoding = Buffer.isEncoding;

/** Exit code of a child that was never started: -EPERM, "operation not permitted". */
export const DENIED_EXIT_CODE = -1;

export interface DeniedChildShape {
  readonly spawnfile: string;
  readonly spawnargs: readonly string[];
  /** Node's `stdio` option (after a function's own defaults). */
  readonly stdio: unknown;
  readonly ipc?: boolean;
}

function pipes(stdio: unknown): boolean[] {
  let list: unknown[];
  if (typeof stdio === 'string') list = stdio === 'pipe' || stdio === 'overlapped' ? ['pipe', 'pipe', 'pipe'] : [stdio, stdio, stdio];
  else if (Array.isArray(stdio)) list = stdio.slice();
  else list = ['pipe', 'pipe', 'pipe'];
  while (list.length < 3) list.push(undefined);
  return list.map((s, i) => s === 'pipe' || s === 'overlapped' || (s == null && i < 3));
}

/** A ChildProcess that was never started, failing with `err`. */
export function deniedChild(err: PalisadeDeniedError, shape: DeniedChildShape): ChildProcess {
  const child = Object.create(ChildProcessClass.prototype) as ChildProcess & Record<string, unknown>;
  EventEmitter.call(child);
  const stdio = pipes(shape.stdio).map((isPipe, i) => {
    if (!isPipe) return null;
    if (i === 0) return new Writable({ write: (_c, _e, cb) => cb() });
    const r = new Readable({ read() {} });
    r.push(null);
    return r;
  });
  Object.assign(child, {
    _closesNeeded: 1,
    _closesGot: 0,
    connected: false,
    signalCode: null,
    exitCode: null,
    killed: false,
    spawnfile: shape.spawnfile,
    spawnargs: shape.spawnargs.slice(),
    _handle: null,
    pid: undefined,
    stdin: stdio[0] ?? null,
    stdout: stdio[1] ?? null,
    stderr: stdio[2] ?? null,
    stdio,
  });
  if (shape.ipc) {
    Object.assign(child, {
      send(_m: unknown, ...rest: unknown[]): boolean {
        const cb = rest.find((r) => typeof r === 'function') as ((e: Error) => void) | undefined;
        const e = Object.assign(new Error('Channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' });
        if (cb) process.nextTick(cb, e);
        else process.nextTick(() => child.emit('error', e));
        return false;
      },
      disconnect(): void {},
    });
  }
  process.nextTick(() => {
    child.emit('error', err);
    for (const s of stdio) s?.destroy();
    setImmediate(() => {
      (child as { exitCode: number | null }).exitCode = DENIED_EXIT_CODE;
      child.emit('close', DENIED_EXIT_CODE, null);
    });
  });
  return child;
}

/** exec/execFile: the callback gets the error and empty output, as for ENOENT. */
export function deniedExecChild(err: PalisadeDeniedError, shape: DeniedChildShape, cmd: string, encoding: unknown, callback: ((...a: unknown[]) => unknown) | undefined): ChildProcess {
  const child = deniedChild(err, { ...shape, stdio: 'pipe' });
  (err as unknown as Record<string, unknown>).cmd = cmd;
  const empty = encoding !== 'buffer' && typeof encoding === 'string' && isEncoding(encoding) ? '' : BufferAlloc(0);
  // Registered first, like execFile's own listener: an 'error' never goes unhandled.
  child.on('error', () => {
    if (callback) callback(err, empty, empty);
  });
  return child;
}

/** spawnSync's result for a spawn that never happened. */
export function deniedSyncResult(err: PalisadeDeniedError): { error: Error; status: null; signal: null; output: null; pid: number; stdout: null; stderr: null } {
  return { error: err, status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
}

/** execSync/execFileSync: throw the error carrying spawnSync's result fields, as Node does. */
export function throwDeniedSync(err: PalisadeDeniedError): never {
  Object.assign(err, { status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null });
  throw err;
}
