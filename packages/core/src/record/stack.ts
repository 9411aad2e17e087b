import { fileURLToPath } from 'node:url';

/** One frame of the runtime path that led to a decision. */
export interface StackFrame {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const internalRoots: string[] = [];

/** Declares a directory whose frames are Palisade's own and never shown as the application's path. */
export function markInternalDir(dirOrUrl: string | URL): void {
  const dir = typeof dirOrUrl === 'string' && !dirOrUrl.startsWith('file:') ? dirOrUrl : fileURLToPath(dirOrUrl);
  const root = dir.endsWith('/') ? dir : `${dir}/`;
  if (!internalRoots.includes(root)) internalRoots.push(root);
}

/** Palisade's own package directories (each ends with `/`). */
export function internalDirs(): readonly string[] {
  return internalRoots;
}

function isInternal(file: string): boolean {
  if (file.startsWith('node:') || file.startsWith('internal/') || !file.includes('/')) return true;
  for (const root of internalRoots) if (file.startsWith(root)) return true;
  return false;
}

// Module URLs repeat from stack to stack: converting each once keeps a recorded decision cheap.
const urlPaths = new Map<string, string>();

function toPath(file: string): string {
  if (!file.startsWith('file:')) return file;
  let path = urlPaths.get(file);
  if (path === undefined) {
    try {
      path = fileURLToPath(file);
    } catch {
      path = file;
    }
    if (urlPaths.size >= 4096) urlPaths.clear();
    urlPaths.set(file, path);
  }
  return path;
}

const MAX_FRAMES = 48;

/**
 * V8's structured call sites of the current stack above `above` (at most
 * `limit`). The app's own `Error.prepareStackTrace` and `stackTraceLimit`
 * are put back untouched.
 */
export function callSites(limit: number, above: Function): NodeJS.CallSite[] {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_err, sites) => sites;
    Error.stackTraceLimit = limit;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, above);
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
}

/**
 * Application frames of the current stack, innermost first: Node internals
 * and Palisade's own frames dropped. Uses V8's structured call sites; the
 * app's own `Error.prepareStackTrace` (source maps, say) is put back untouched.
 */
export function captureAppFrames(limit = 32): StackFrame[] {
  const sites = callSites(MAX_FRAMES, captureAppFrames);
  const frames: StackFrame[] = [];
  for (const site of sites) {
    const raw = site.getFileName() ?? site.getScriptNameOrSourceURL?.() ?? '';
    if (!raw || raw.startsWith('node:')) continue;
    const file = toPath(raw);
    if (isInternal(file)) continue;
    frames.push({ function: frameFunction(site, frames.length === 0), file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0 });
    if (frames.length >= limit) break;
  }
  return frames;
}

/** `Type.method` for the first frame (it names the span's code.function.name); the plain name elsewhere. */
function frameFunction(site: NodeJS.CallSite, first: boolean): string {
  const fn = site.getFunctionName() ?? (first ? site.getMethodName() : null);
  if (!fn) return '<anonymous>';
  if (!first) return fn;
  const type = site.getTypeName();
  return type && site.getMethodName() && !site.isToplevel() ? `${type}.${fn}` : fn;
}

export function formatStack(frames: readonly StackFrame[]): string {
  return frames.map((f) => `    at ${f.function} (${f.file}:${f.line}:${f.column})`).join('\n');
}
