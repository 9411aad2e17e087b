import type { Attributes, Context, Link, Span } from '@opentelemetry/api';
import { SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, SPAN_STATUS_ERROR, type Runtime, VERSION, tracer, tracingSuppressed } from '@palisade/core';
import type { ActedFinding } from './guards/detect.js';
import * as sc from './semconv.js';
import { spansOn } from './settings.js';

/** Low-cardinality name of an error for `error.type`. */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown; constructor?: { name?: string } };
    if (e.code === 'ERR_PALISADE_DENIED') return 'PalisadeDeniedError';
    const ctor = e.constructor?.name;
    if (ctor && ctor !== 'Error' && ctor !== 'Object') return ctor;
    if (typeof e.name === 'string' && e.name) return e.name;
  }
  return '_OTHER';
}

/**
 * The span of one model call (`chat gpt-4o`, `embeddings text-embedding-3-small`),
 * kind CLIENT, per the GenAI semantic conventions. Ends once: when the
 * response is parsed, the call fails, or its stream ends or is abandoned.
 */
export class CallSpan {
  readonly span: Span | undefined;
  /** The context the call was made in (the span's parent); undefined while no span can be recorded. */
  readonly parent: Context | undefined;
  /** The parent with this span set: what the call runs in. */
  readonly context: Context | undefined;
  private readonly started = performance.now();
  private firstChunkAt: number | undefined;
  private ended = false;

  constructor(rt: Runtime, name: string, attributes: () => Attributes) {
    const api = spansOn(rt) ? rt.recorder.telemetryApi() : undefined;
    this.parent = api?.context.active();
    if (api && !tracingSuppressed(this.parent)) {
      this.span = tracer(VERSION).startSpan(name, { kind: SPAN_KIND_CLIENT, attributes: attributes() }, this.parent);
      this.context = api.trace.setSpan(this.parent!, this.span);
    } else {
      this.context = this.parent;
    }
  }

  get recording(): boolean {
    return !this.ended && this.span !== undefined && this.span.isRecording();
  }

  set(key: string, value: Attributes[string]): void {
    if (value !== undefined && value !== null && this.recording) this.span!.setAttribute(key, value);
  }

  setAll(attrs: Attributes): void {
    if (this.recording) for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) this.span!.setAttribute(k, v);
  }

  /** The first chunk of a stream arrived. */
  firstChunk(): void {
    if (this.firstChunkAt !== undefined) return;
    this.firstChunkAt = performance.now();
    this.set(sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkAt - this.started) / 1000);
  }

  finding(f: ActedFinding, source: string): void {
    if (!this.recording) return;
    this.span!.addEvent(sc.EVENT_PALISADE_DETECTION, {
      [sc.ATTR_PALISADE_DETECTOR]: f.detector,
      [sc.ATTR_PALISADE_DETECTOR_RULE]: f.rule,
      [sc.ATTR_PALISADE_DETECTOR_ACTION]: f.action,
      [sc.ATTR_PALISADE_DETECTOR_SEVERITY]: f.severity,
      [sc.ATTR_PALISADE_DETECTOR_SCORE]: f.score,
      [sc.ATTR_PALISADE_DETECTOR_SOURCE]: source,
      [sc.ATTR_PALISADE_DETECTOR_EVIDENCE]: f.evidence,
    });
  }

  /** A link to this span, for records about what this call proposed. */
  link(attributes?: Attributes): Link | undefined {
    if (!this.span) return undefined;
    return attributes ? { context: this.span.spanContext(), attributes } : { context: this.span.spanContext() };
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.span) return;
    if (error !== undefined) {
      this.span.setAttribute(sc.ATTR_ERROR_TYPE, errorType(error));
      const message = (error as { message?: unknown })?.message;
      this.span.setStatus({ code: SPAN_STATUS_ERROR, message: typeof message === 'string' ? message : String(error) });
    }
    this.span.end();
  }
}

/** Starts a span outside a call span's lifetime (tool-call checks), parented and linked as given. */
export function startLinkedSpan(rt: Runtime, name: string, parent: Context | undefined, attributes: Attributes, links: Link[]): Span | undefined {
  if (!spansOn(rt) || !rt.recorder.telemetryApi() || tracingSuppressed(parent)) return undefined;
  return tracer(VERSION).startSpan(name, { kind: SPAN_KIND_INTERNAL, attributes, links }, parent);
}
