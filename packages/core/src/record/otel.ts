import type { Attributes, AttributeValue, Context, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { type OtelApi as Api, SPAN_KIND_INTERNAL, SPAN_STATUS_ERROR, otel, wantOtel } from './otel-api.js';
import type { DecisionRecord } from './decision-record.js';
import { formatStack } from './stack.js';
import * as sc from './semconv.js';

// The key @opentelemetry/core's suppressTracing() sets; read here without depending on the SDK.
const SUPPRESS_TRACING_KEY = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

// Palisade's own exporter I/O, marked without AsyncLocalStorage: on Node 20 a single
// AsyncLocalStorage#run turns on async hooks for the whole process, after which every promise
// and async resource the app makes costs more (~25% on fs.promises.readFile, ~8% on fetch here).
// What the exporter does synchronously runs inside runSuppressed; its requests, which leave later,
// go through an HTTP agent of its own (markOwnAgent), whose connections the agent opens inside
// runSuppressed too, and which the HTTP sensor recognises.
let ownDepth = 0;
const ownAgents = new WeakSet<object>();

/**
 * Runs `fn` as Palisade's own telemetry I/O: no spans are made for what it
 * does synchronously (checks still apply). Asynchronous work is marked by
 * the agent its requests use (markOwnAgent).
 */
export function runSuppressed<T>(fn: () => T): T {
  ownDepth++;
  try {
    return fn();
  } finally {
    ownDepth--;
  }
}

/** Marks an HTTP agent as the telemetry exporter's own: requests through it make no spans. */
export function markOwnAgent(agent: object): void {
  ownAgents.add(agent);
}

/** Whether `agent` is the telemetry exporter's own (markOwnAgent). */
export function isOwnAgent(agent: unknown): boolean {
  return typeof agent === 'object' && agent !== null && ownAgents.has(agent);
}

/** True inside an exporter's own I/O (or any code the SDK asked not to trace). */
export function tracingSuppressed(ctx?: Context): boolean {
  if (ownDepth > 0) return true;
  const current = ctx ?? otel()?.context.active();
  return current !== undefined && current.getValue(SUPPRESS_TRACING_KEY) === true;
}

/** The context active now, or undefined while no span can be recorded (the API is not loaded). */
export function activeContext(): Context | undefined {
  return otel()?.context.active();
}

/** Runs `fn` in `ctx` when there is one; otherwise simply runs it. */
export function withContext<T>(ctx: Context | undefined, fn: () => T): T {
  const api = ctx ? otel() : undefined;
  return api ? api.context.with(ctx!, fn) : fn();
}

function loaded(): Api {
  const api = otel();
  if (!api) throw new Error('@opentelemetry/api is not available');
  return api;
}

let fallbackProvider: TracerProvider | undefined;
let cachedTracer: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * The provider Palisade uses when the app registered none (set by
 * `palisade/register`), and the `@opentelemetry/api` instance its SDK uses.
 */
export function setFallbackTracerProvider(provider: TracerProvider | undefined, api?: Api): void {
  fallbackProvider = provider;
  cachedTracer = undefined;
  if (provider) wantOtel(api);
}

function appHasProvider(api: Api): boolean {
  const global = api.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = global.getDelegate?.() ?? global;
  return delegate.constructor?.name !== 'NoopTracerProvider';
}

export function tracer(version: string): Tracer {
  const api = loaded();
  const provider = appHasProvider(api) || !fallbackProvider ? api.trace.getTracerProvider() : fallbackProvider;
  if (cachedTracer?.provider !== provider) cachedTracer = { provider, tracer: provider.getTracer(sc.TRACER_NAME, version) };
  return cachedTracer.tracer;
}

function put(attrs: Attributes, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attrs[key] = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) attrs[key] = value as AttributeValue;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) attrs[key] = value as AttributeValue;
}

/** The `palisade.*` attributes of a verdict (or a record of one). */
export function verdictAttributes(
  v: { readonly capability: string; readonly action: string; readonly rule: string; readonly reason: string; readonly target: string; readonly mode: string },
  api?: string,
): Attributes {
  const a: Attributes = {
    [sc.ATTR_PALISADE_CAPABILITY]: v.capability,
    [sc.ATTR_PALISADE_VERDICT]: v.action,
    [sc.ATTR_PALISADE_RULE]: v.rule,
    [sc.ATTR_PALISADE_REASON]: v.reason,
    [sc.ATTR_PALISADE_TARGET]: v.target,
    [sc.ATTR_PALISADE_MODE]: v.mode,
  };
  put(a, sc.ATTR_PALISADE_API, api);
  return a;
}

export function decisionAttributes(rec: DecisionRecord, withStack: boolean): Attributes {
  const a = verdictAttributes(rec, rec.api);
  if (rec.learned) a[sc.ATTR_PALISADE_LEARNED] = true;
  if (rec.scope) {
    // Run attributes first: one named `id`, `run_id` or `labels` must not replace the scope's own.
    for (const [k, v] of Object.entries(rec.scope.attributes)) a[`${sc.ATTR_PALISADE_SCOPE_PREFIX}${k}`] = v;
    a[sc.ATTR_PALISADE_SCOPE_ID] = rec.scope.id;
    put(a, sc.ATTR_PALISADE_SCOPE_RUN_ID, rec.scope.runId);
    if (rec.scope.labels.length > 0) a[sc.ATTR_PALISADE_SCOPE_LABELS] = [...rec.scope.labels];
    else delete a[sc.ATTR_PALISADE_SCOPE_LABELS];
  }
  const top = rec.stack?.[0];
  if (top) {
    a[sc.ATTR_CODE_FUNCTION_NAME] = top.function;
    a[sc.ATTR_CODE_FILE_PATH] = top.file;
    a[sc.ATTR_CODE_LINE_NUMBER] = top.line;
    a[sc.ATTR_CODE_COLUMN_NUMBER] = top.column;
    if (withStack) a[sc.ATTR_CODE_STACKTRACE] = formatStack(rec.stack!);
  }
  if (rec.detail) for (const [k, v] of Object.entries(rec.detail)) put(a, k, v);
  return a;
}

export interface SpanSettings {
  readonly as: 'span' | 'event';
  readonly stacktrace: boolean;
}

/** Records a decision as its own span, or as an event on the active span. */
export function emitDecision(rec: DecisionRecord, settings: SpanSettings, version: string, scopeSpan?: Span): void {
  const api = loaded();
  const active = api.trace.getActiveSpan();
  if (settings.as === 'event' && active?.isRecording()) {
    active.addEvent(sc.EVENT_PALISADE_DECISION, decisionAttributes(rec, settings.stacktrace), rec.time);
    return;
  }
  // Without a context manager (no SDK set one up) the scope's own span is the parent.
  const parent = !active && scopeSpan ? api.trace.setSpan(api.context.active(), scopeSpan) : api.context.active();
  const span = tracer(version).startSpan(
    `palisade ${rec.capability}`,
    { kind: SPAN_KIND_INTERNAL, startTime: rec.time, attributes: { [sc.ATTR_PALISADE_CAPABILITY]: rec.capability, [sc.ATTR_PALISADE_VERDICT]: rec.action } },
    parent,
  );
  // Building the attributes (stack text included) is skipped when nothing records the span.
  if (!span.isRecording()) {
    span.end();
    return;
  }
  span.setAttributes(decisionAttributes(rec, settings.stacktrace));
  if (rec.action === 'deny') {
    span.setAttribute(sc.ATTR_ERROR_TYPE, 'PalisadeDeniedError');
    span.setStatus({ code: SPAN_STATUS_ERROR, message: rec.reason });
  }
  span.end();
}

/** Starts the `invoke_agent` / `execute_tool` span of a scope; the caller runs its work inside the returned context. */
export function startScopeSpan(name: string, attributes: Attributes, version: string, parentSpan?: Span): { span: Span; ctx: Context } {
  const api = loaded();
  const active = api.context.active();
  const parent = parentSpan && !api.trace.getSpan(active) ? api.trace.setSpan(active, parentSpan) : active;
  const span = tracer(version).startSpan(name, { kind: SPAN_KIND_INTERNAL, attributes }, parent);
  return { span, ctx: api.trace.setSpan(parent, span) };
}

export function endScopeSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const e = error as { name?: string; message?: string; code?: string };
    span.setAttribute(sc.ATTR_ERROR_TYPE, e?.code ?? e?.name ?? 'Error');
    span.setStatus({ code: SPAN_STATUS_ERROR, message: e?.message ?? String(error) });
  }
  span.end();
}
