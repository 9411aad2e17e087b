import { fileURLToPath } from 'node:url';
import { activeRuntime, callSites, deniedError, internalDirs, sha256Hex } from '@palisade/core';
import { callThrough, insideSensor } from '../../reentry.js';
import { codeMayImport } from '../../reach.js';

export type CodeCapability = 'code.eval' | 'code.worker' | 'code.native';

/** What a code inspector sees: source text about to be compiled. The text itself is never recorded. */
export interface CodeSource {
  readonly source: string;
  readonly capability: 'code.eval' | 'code.worker';
  /** The decision's target, e.g. `vm.Script`, `Function`, `eval`. */
  readonly target: string;
  readonly api: string;
  /** V8 may run this cached bytecode instead of compiling `source` (vm `cachedData`): the source cannot be trusted. */
  readonly cachedData?: boolean;
}

/**
 * Runs on source the policy allowed (or alerted on), before it is compiled.
 * Returning an Error blocks the call with that error; anything else lets it proceed.
 */
export type CodeInspector = (code: CodeSource) => Error | undefined | void;

let inspector: CodeInspector | undefined;

/** Installs the hook that runs detectors on code before it is compiled (one at a time; undefined removes it). */
export function setCodeInspector(fn: CodeInspector | undefined): void {
  inspector = fn;
}

/** Record detail for a source: its length, and its sha256 computed only if the decision is recorded. */
export function sourceDetail(source: string, extra?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let hash: string | undefined;
  const detail: Record<string, unknown> = { 'palisade.code.length': source.length, ...extra };
  Object.defineProperty(detail, 'palisade.code.sha256', {
    enumerable: true,
    get: () => (hash ??= sha256Hex(source)),
  });
  return detail;
}

/**
 * Asks the guard about one code operation and throws PalisadeDeniedError on
 * deny. Unchecked without a runtime, and for calls Node makes inside another
 * sensor's call-through.
 */
export function guardCode(capability: CodeCapability, target: string, api: string, detail?: Readonly<Record<string, unknown>>): void {
  if (insideSensor()) return;
  const rt = activeRuntime();
  if (!rt) return;
  const v = rt.decide(capability, target, api, detail);
  if (v.action === 'deny') throw deniedError(v);
}

/** `guardCode` for an operation that compiles `source`, then the code inspector on what may run. */
export function guardSource(
  capability: 'code.eval' | 'code.worker',
  target: string,
  api: string,
  source: string,
  cachedData = false,
): void {
  if (insideSensor() || !activeRuntime()) return;
  codeMayImport(source);
  if (source === 'this' && calledFromNodeInternals()) return;
  guardCode(capability, target, api, sourceDetail(source, cachedData ? { 'palisade.code.cached_data': true } : undefined));
  const fn = inspector;
  if (!fn) return;
  let result: unknown;
  try {
    result = callThrough(() => fn({ source, capability, target, api, ...(cachedData ? { cachedData } : {}) }));
  } catch (err) {
    // A failing detector must not take the app down: the policy already allowed this.
    activeRuntime()?.recorder.internalError('code inspector', err);
    return;
  }
  if (result instanceof Error) throw result;
}

/** The text a `data:` URL carries (percent- or base64-decoded), for the inspector; the URL itself if it cannot be decoded. */
export function dataUrlText(href: string): string {
  const comma = href.indexOf(',');
  if (comma === -1) return href;
  const body = href.slice(comma + 1);
  try {
    return /;base64$/i.test(href.slice(0, comma)) ? Buffer.from(decodeURIComponent(body), 'base64').toString('utf8') : decodeURIComponent(body);
  } catch {
    return href;
  }
}

/** A one-time process warning, for conditions the user must know about but that must not stop the app. */
const warned = new Set<string>();
export function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(message, { code });
}

/**
 * Node 20 evaluates `this` in a fresh vm context itself (getInternalGlobal in
 * node:internal/util, reached when fetch releases a stream reader). That one
 * constant, from Node's own code, is not the app generating code: the first
 * frame outside Palisade must be Node's internals. The REPL and other
 * internals that evaluate other text stay checked.
 */
function calledFromNodeInternals(): boolean {
  return callerOutsidePalisade().startsWith('node:internal/');
}

/** File name (path, file: URL or `node:…`) of the first caller outside Palisade; '' when it has none (eval'd code) or there is none. */
export function callerOutsidePalisade(): string {
  const own = internalDirs();
  for (const site of callSites(16, callerOutsidePalisade)) {
    const file = site.getFileName() ?? '';
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (file && own.some((d) => path.startsWith(d))) continue;
    return file;
  }
  return '';
}
