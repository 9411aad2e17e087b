import Module, { syncBuiltinESMExports } from 'node:module';
import { activeRuntime, onModuleCompile } from '@palisade/core';
import { wrap } from './wrap.js';

/**
 * Builtins wrapped when the app can first reach them instead of at start-up.
 * `https` and `http2` bring `tls` and `crypto` with them: ~5.7 ms of every
 * start, for apps that may never open an outgoing TLS connection. Their
 * sensors are request-level checks on top of the socket-level one
 * (net.Socket#connect), which is always installed and checks every connection
 * they open.
 *
 * Deferred only in a process whose entry is CommonJS (anything else installs
 * them at start, as before). There, the module is wrapped before the app can
 * hold it:
 * - `require` of it (Module._load, which every require and createRequire reaches);
 * - `process.getBuiltinModule` of it;
 * - CommonJS source, or a Function or vm source, that shows `import` (an ES
 *   module may follow, and ES imports of builtins are not seen on Node 20), or
 *   code whose source is not visible (an allowed direct eval, the inspector):
 *   every deferred part is installed before that code runs;
 * - an ES module loaded by `require` (the same, before it links).
 * As a last resort, each outgoing connection checks (one length comparison)
 * whether a deferred module was loaded some other way, and wraps it then,
 * republishing ES named imports (docs/threat-model.md, Network).
 */
export type Part = readonly [id: string, install: () => void];

let pending: Part[] = [];
let seenLoads = 0;
let hooked = false;
let stopWatchingCompiles: (() => void) | undefined;

type GetBuiltin = (id: string) => unknown;

function loadList(): readonly string[] | undefined {
  return (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
}

/** Whether Node has loaded builtin `id` (true when it cannot tell: then it is installed now). */
function loaded(id: string): boolean {
  const list = loadList();
  return list === undefined || list.includes(`NativeModule ${id}`);
}

function run([id, install]: Part): void {
  try {
    install();
  } catch (err) {
    activeRuntime()?.recorder.internalError(`network sensor (${id})`, err);
  }
}

function installPending(which: (p: Part) => boolean): void {
  const now = pending.filter(which);
  if (now.length === 0) return;
  // Out of the list before installing: an install's own require must not come back here.
  pending = pending.filter((p) => !now.includes(p));
  for (const p of now) run(p);
  if (pending.length === 0) {
    stopWatchingCompiles?.();
    stopWatchingCompiles = undefined;
  }
  // ES named imports of a module loaded before its wrapper see the wrapper from now on.
  syncBuiltinESMExports();
}

/** Installs the parts named by a request for builtin `request` (`https`, `node:https`). */
function onBuiltinRequest(request: unknown): void {
  if (pending.length === 0 || typeof request !== 'string') return;
  const id = request.startsWith('node:') ? request.slice(5) : request;
  installPending((p) => p[0] === id);
}

/** Code that may load an ES module is about to compile: every deferred part now. */
export function codeMayImport(source: unknown): void {
  if (pending.length > 0 && typeof source === 'string' && source.includes('import')) installPending(() => true);
}

/** Code whose source Palisade cannot see may run (an allowed direct eval, the inspector): every deferred part now. */
export function codeUnseen(): void {
  if (pending.length > 0) installPending(() => true);
}

/** The last resort (called on each outgoing connection): a deferred module loaded unseen is wrapped now. */
export function checkDeferredLoads(): void {
  if (pending.length === 0) return;
  const list = loadList();
  if (list === undefined || list.length === seenLoads) return;
  seenLoads = list.length;
  installPending((p) => loaded(p[0]));
}

/** Installs each part now, or (`defer`) once the app can reach its module. */
export function installWhenReachable(parts: readonly Part[], defer: boolean): void {
  for (const part of parts) {
    if (!defer || loaded(part[0])) run(part);
    else pending.push(part);
  }
  if (pending.length === 0) return;
  seenLoads = loadList()?.length ?? 0;
  stopWatchingCompiles ??= onModuleCompile((content, _filename, format) => {
    if (format === 'module') installPending(() => true);
    else codeMayImport(content);
  });
  if (hooked) return;
  hooked = true;
  wrap(Module as unknown as Record<string, unknown>, '_load', (original: (...a: unknown[]) => unknown) =>
    function _load(this: unknown, request: unknown) {
      onBuiltinRequest(request);
      // eslint-disable-next-line prefer-rest-params
      return Reflect.apply(original, this, arguments);
    },
  );
  if (typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function') {
    wrap(process as unknown as Record<string, unknown>, 'getBuiltinModule', (original: GetBuiltin) =>
      function getBuiltinModule(this: unknown, id: string) {
        onBuiltinRequest(id);
        // eslint-disable-next-line prefer-rest-params
        return Reflect.apply(original, this, arguments);
      },
    );
  }
}

/** What is still deferred (for tests and diagnostics). */
export function deferredBuiltins(): string[] {
  return pending.map((p) => p[0]);
}
