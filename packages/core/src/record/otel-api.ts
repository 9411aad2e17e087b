import { createRequire } from 'node:module';

export type OtelApi = typeof import('@opentelemetry/api');

const require = createRequire(import.meta.url);
// Where the API keeps its global registrations (tracer provider, context manager); stable across 1.x.
const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

let api: OtelApi | undefined;
let loading = false;
let wanted = false;
let failure: unknown;
let failureReported = false;

/**
 * `@opentelemetry/api`, or undefined while no span could go anywhere. It is
 * loaded on first use, not at start-up (its dozens of files cost every process
 * time and memory), and only once something can record spans: the app
 * registered a provider or context manager (the API's global exists), or
 * Palisade set up its own exporter. Loading at that point runs through Node's
 * module loader, which app code can disturb (a patched `path.resolve`); a
 * failure disables spans and is reported once, and never changes a verdict.
 */
export function otel(): OtelApi | undefined {
  if (api) return api;
  if (loading || failure !== undefined) return undefined;
  if (!wanted && (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] === undefined) return undefined;
  loading = true;
  try {
    api = require('@opentelemetry/api') as OtelApi;
  } catch (err) {
    failure = err ?? new Error('@opentelemetry/api failed to load');
  } finally {
    loading = false;
  }
  return api;
}

/**
 * Palisade's own exporter is set up: spans have somewhere to go without the
 * app's registration. `instance`: the API its SDK was built with (the
 * register's bundled copy), used unless the package is loaded already. Copies
 * of the API share the app's registrations through the API's global (1.x).
 */
export function wantOtel(instance?: OtelApi): void {
  wanted = true;
  if (api === undefined && instance !== undefined) api = instance;
  otel();
}

/** Why the API could not be loaded, returned once so that it is reported once. */
export function takeOtelFailure(): unknown {
  if (failure === undefined || failureReported) return undefined;
  failureReported = true;
  return failure;
}

// Enum values of the API (stable across 1.x), so callers need not load it to name them.
export const SPAN_KIND_INTERNAL = 0;
export const SPAN_KIND_CLIENT = 2;
export const SPAN_STATUS_ERROR = 2;
