import type { Attributes } from '@opentelemetry/api';
import { type Runtime, type Scope, activeRuntime, currentScope, deniedError, isPalisadeDenied, withContext } from '@palisade/core';
import { type GenAiMessage, type Redactor, contentRedactor, messagesJson } from './content.js';
import { DeniedPromise } from './denied.js';
import { PalisadeBlockedError } from './errors.js';
import { type ActedFinding, type Scanner, applyRedactions, canariesIn, makeScanner } from './guards/detect.js';
import { type Slot, guardInput } from './guards/input.js';
import { type ProposedToolCall, checkToolCall, toolGuardActive } from './guards/tool-call.js';
import { decideModel } from './model.js';
import { guardRawResponse } from './raw-response.js';
import * as sc from './semconv.js';
import { CallSpan } from './span.js';
import { HoldBack } from './stream/hold-back.js';

/** What a provider adapter says about one request. */
export interface CallInfo {
  readonly provider: string;
  readonly operation: 'chat' | 'embeddings';
  /** The SDK method, e.g. `openai.chat.completions.create`. */
  readonly api: string;
  readonly model: string;
  readonly stream: boolean;
  /** The span's request attributes, worked out only when a span is made. */
  readonly attributes: () => Attributes;
}

/** Rewrites a stream event by event: returns the events to hand on now. */
export interface StreamTransformer {
  push(event: unknown): unknown[];
  end(): unknown[];
}

/** Everything provider-specific about one SDK method. */
export interface Adapter {
  describe(body: Record<string, unknown>, resource: unknown): CallInfo;
  inputSlots(body: Record<string, unknown>): Slot[];
  inputMessages?(body: Record<string, unknown>): { system?: GenAiMessage['parts']; messages: GenAiMessage[] };
  /** Guards a complete response in place. */
  response(data: unknown, g: CallGuard): void;
  /** Guards a stream, event by event. */
  stream?(g: CallGuard): StreamTransformer;
}

/**
 * One guarded model call: the policy of the moment, the run it belongs to,
 * its span, and the output guards adapters apply to what comes back.
 */
export class CallGuard {
  readonly toolGuard: boolean;
  private outScanner: Scanner | undefined | null = null;
  private contentRedact: Redactor | undefined | null = null;
  removedToolCalls = 0;
  outputFindings = 0;
  /** Canary tokens the request carried: the response must not repeat them. */
  canaries: readonly string[] = [];

  constructor(
    readonly rt: Runtime,
    readonly info: CallInfo,
    readonly span: CallSpan,
    readonly scope: Scope | undefined,
  ) {
    this.toolGuard = toolGuardActive(rt);
  }

  /** Redacts content bound for spans; undefined when content is not recorded. */
  get redactContent(): Redactor | undefined {
    if (this.contentRedact === null) this.contentRedact = this.span.recording ? contentRedactor(this.rt, this.canaries) : undefined;
    return this.contentRedact;
  }

  private get scanner(): Scanner | undefined {
    if (this.outScanner === null) this.outScanner = makeScanner(this.rt, 'output', undefined, this.canaries);
    return this.outScanner;
  }

  /** True when output text goes through detectors (else streams pass text straight through). */
  get scansOutput(): boolean {
    return this.scanner !== undefined;
  }

  /** Tool calls must be complete before the app sees them (to be checked or scanned). */
  get holdsToolCalls(): boolean {
    return this.toolGuard || this.scansOutput;
  }

  private found(f: ActedFinding, source: 'llm.output' | 'llm.tool_call'): void {
    this.outputFindings++;
    this.rt.recorder.recordDetection(
      { detector: f.detector, rule: f.rule, action: f.action, severity: f.severity, score: f.score, source, target: this.info.model, api: this.info.api, evidence: f.evidence },
      this.scope,
    );
    this.span.finding(f, source);
  }

  /** A complete output text: findings recorded; returns it redacted as the policy says; throws to block. */
  outputText(text: string, source: 'llm.output' | 'llm.tool_call' = 'llm.output'): string {
    const scanner = this.scanner;
    if (!scanner || typeof text !== 'string' || text.length === 0) return text;
    const findings = scanner.scan(text);
    if (findings.length === 0) return text;
    for (const f of findings) this.found(f, source);
    const block = findings.filter((f) => f.action === 'block');
    if (block.length > 0) throw new PalisadeBlockedError(this.info.model, 'llm.output', block);
    const redact = findings.filter((f) => f.action === 'redact');
    return redact.length > 0 ? applyRedactions(text, redact) : text;
  }

  /** A hold-back buffer for one streamed text channel, or undefined when output is not scanned. */
  holdBack(): HoldBack | undefined {
    const scanner = this.scanner;
    if (!scanner) return undefined;
    return new HoldBack(
      {
        scan: (t) => scanner.scan(t),
        onFinding: (f) => {
          this.found(f, 'llm.output');
          if (f.action === 'block') throw new PalisadeBlockedError(this.info.model, 'llm.output', [f]);
        },
      },
      { watch: this.canaries },
    );
  }

  /** Tool call arguments scanned like output (string values inside the JSON). */
  private guardArguments(args: unknown): unknown {
    if (!this.scansOutput) return args;
    const walk = (v: unknown, depth: number): unknown => {
      if (typeof v === 'string') return this.outputText(v, 'llm.tool_call');
      if (depth > 16 || v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) {
        let changed = false;
        const out = v.map((x) => {
          const y = walk(x, depth + 1);
          if (y !== x) changed = true;
          return y;
        });
        return changed ? out : v;
      }
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const y = walk(x, depth + 1);
        if (y !== x) changed = true;
        out[k] = y;
      }
      return changed ? out : v;
    };
    if (typeof args === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(args);
      } catch {
        return this.outputText(args, 'llm.tool_call');
      }
      const guarded = walk(parsed, 0);
      return guarded === parsed ? args : JSON.stringify(guarded);
    }
    return walk(args, 0);
  }

  /**
   * A tool call the model proposed: checked against the policy, its
   * arguments scanned. Returns the arguments to hand on (possibly redacted),
   * or undefined when the call is removed; throws to block the response.
   */
  toolCall(call: ProposedToolCall): { arguments: unknown } | undefined {
    const { keep } = checkToolCall(this.rt, this.scope, this.span, this.info.api, this.info.model, call);
    if (!keep) {
      this.removedToolCalls++;
      return undefined;
    }
    return { arguments: this.guardArguments(call.arguments) };
  }

  /** Span attributes about the response; a function is called only while the span records. */
  response(attrs: Attributes | (() => Attributes)): void {
    if (this.span.recording) this.span.setAll(typeof attrs === 'function' ? attrs() : attrs);
  }

  /** True when the span keeps message content: only then are output messages worth putting together. */
  get recordsContent(): boolean {
    return this.redactContent !== undefined;
  }

  /** The output messages for the span, when it keeps content; a function is called only then. */
  outputMessages(messages: readonly GenAiMessage[] | (() => readonly GenAiMessage[])): void {
    const redact = this.redactContent;
    if (!redact) return;
    const list = typeof messages === 'function' ? messages() : messages;
    if (list.length > 0) this.span.set(sc.ATTR_GEN_AI_OUTPUT_MESSAGES, messagesJson(list, redact));
  }

  /** Ends the span, with the guards' totals. */
  finish(error?: unknown): void {
    unread.unregister(this);
    if (this.removedToolCalls > 0) this.span.set(sc.ATTR_PALISADE_TOOL_CALLS_REMOVED, this.removedToolCalls);
    if (this.outputFindings > 0) this.span.set(sc.ATTR_PALISADE_OUTPUT_FINDINGS, this.outputFindings);
    this.span.end(error);
  }
}

function internal(rt: Runtime | undefined, err: unknown): void {
  try {
    rt?.recorder.internalError('llm sensor', err);
  } catch {
    // nowhere left to report
  }
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface ApiPromiseLike {
  _thenUnwrap(transform: (data: unknown, props: unknown) => unknown): unknown;
  responsePromise?: PromiseLike<unknown>;
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  return v !== null && typeof v === 'object' && typeof (v as ApiPromiseLike)._thenUnwrap === 'function';
}

/** Where a method takes its request body: resource methods take it first; the client's `post(path, { body })` in its options. */
export interface CallShape {
  body(args: unknown[]): unknown;
  withBody(args: unknown[], body: unknown): unknown[];
  /** What the adapter reads the client from (`resource._client`). */
  resource(thisArg: unknown): unknown;
}

const RESOURCE_METHOD: CallShape = {
  body: (args) => args[0],
  withBody: (args, body) => [body, ...args.slice(1)],
  resource: (thisArg) => thisArg,
};

/** Inside a guarded call: the SDK's own nested calls (create → client.post) are not guarded twice. */
let inside = 0;

/**
 * The guarded version of an SDK method. In order: `llm.model` (a denied model
 * fails before any network I/O), the input guard, then the call itself under
 * its span, and the output guards on what comes back. A fault inside
 * Palisade is reported and the call goes through as the app made it.
 */
export function guardedCall(adapter: Adapter, original: AnyFn, thisArg: unknown, args: unknown[], shape: CallShape = RESOURCE_METHOD): unknown {
  const rt = activeRuntime();
  const body = shape.body(args);
  if (!rt || inside > 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return original.apply(thisArg, args);
  let started = false;
  let g: CallGuard | undefined;
  try {
    const info = adapter.describe(body as Record<string, unknown>, shape.resource(thisArg));
    const span = new CallSpan(rt, `${info.operation} ${info.model}`, info.attributes);
    const scope = currentScope();
    g = new CallGuard(rt, info, span, scope);
    const guard = g;
    return withContext(span.context, () => {
      const verdict = decideModel(rt, info.model, info.api);
      if (verdict.action === 'deny') {
        const err = deniedError(verdict);
        guard.finish(err);
        return new DeniedPromise(err);
      }
      const slots = adapter.inputSlots(body as Record<string, unknown>);
      guard.canaries = canariesIn(slots.map((s) => s.text));
      const input = guardInput(rt, scope, span, info.model, info.api, body as Record<string, unknown>, slots);
      if (input.error) {
        guard.finish(input.error);
        return new DeniedPromise(input.error);
      }
      if (guard.redactContent && adapter.inputMessages) {
        const { system, messages } = adapter.inputMessages(input.body);
        if (system && system.length > 0) span.set(sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, JSON.stringify(system.map((p) => (p.type === 'text' ? { ...p, content: guard.redactContent!(p.content) } : p))));
        span.set(sc.ATTR_GEN_AI_INPUT_MESSAGES, messagesJson(messages, guard.redactContent));
      }
      started = true;
      let result: unknown;
      inside++;
      try {
        result = original.apply(thisArg, shape.withBody(args, input.body));
      } catch (err) {
        guard.finish(err);
        throw err;
      } finally {
        inside--;
      }
      try {
        return wrapResult(adapter, guard, result);
      } catch (err) {
        internal(rt, err);
        guard.finish();
        return result;
      }
    });
  } catch (err) {
    if (started) throw err;
    internal(rt, err);
    g?.span.end();
    return original.apply(thisArg, args);
  }
}

function wrapResult(adapter: Adapter, g: CallGuard, result: unknown): unknown {
  if (!isApiPromise(result)) {
    // Not the promise shape this sensor knows: hand it on untouched.
    g.finish();
    return result;
  }
  const rp = result.responsePromise;
  // A failed request ends the span with its error (without a span there is nothing to end).
  if (g.span.span !== undefined && rp && typeof rp.then === 'function') rp.then(undefined, (err: unknown) => g.finish(err));
  const guardData = (data: unknown): unknown => {
    // Decided by what came back: the SDK streams on any truthy `stream`, not only `true`.
    if (g.info.stream || isStream(data)) return guardStream(adapter, g, data);
    try {
      adapter.response(data, g);
    } catch (err) {
      if (isPalisadeDenied(err)) {
        g.finish(err);
        throw err;
      }
      internal(g.rt, err);
    }
    g.finish();
    return data;
  };
  const wrapped = result._thenUnwrap(guardData);
  guardAsResponse(wrapped, adapter, g);
  return wrapped;
}

/**
 * `asResponse()` is guarded too (see raw-response.ts). `withResponse()`
 * reads the body through the parsed path and asks `asResponse()` for the
 * response object only, so inside it the original is used.
 */
function guardAsResponse(promise: unknown, adapter: Adapter, g: CallGuard): void {
  const p = promise as { asResponse?: (...a: unknown[]) => Promise<unknown>; withResponse?: (...a: unknown[]) => Promise<unknown> };
  const asResponse = p.asResponse;
  const withResponse = p.withResponse;
  if (typeof asResponse !== 'function' || typeof withResponse !== 'function') return;
  let inner = false;
  Object.defineProperty(p, 'withResponse', {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...a: unknown[]) {
      inner = true;
      try {
        return withResponse.apply(this, a);
      } finally {
        inner = false;
      }
    },
  });
  Object.defineProperty(p, 'asResponse', {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...a: unknown[]) {
      if (inner) return asResponse.apply(this, a);
      return asResponse.apply(this, a).then((res) => guardRawResponse(res as Parameters<typeof guardRawResponse>[0], adapter, g));
    },
  });
}

function isStream(data: unknown): boolean {
  return data !== null && typeof data === 'object' && typeof (data as StreamLike).iterator === 'function' && typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

interface StreamLike {
  iterator?: (...a: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: AbortSignal };
}

function guardStream(adapter: Adapter, g: CallGuard, data: unknown): unknown {
  const stream = data as StreamLike;
  if (!stream || typeof stream !== 'object' || typeof stream.iterator !== 'function' || !adapter.stream) {
    g.finish();
    return data;
  }
  const make = stream.iterator;
  let transformer: StreamTransformer;
  try {
    transformer = adapter.stream(g);
  } catch (err) {
    internal(g.rt, err);
    g.finish();
    return data;
  }
  let used = false;
  unread.register(stream, g, g);
  stream.iterator = function (this: unknown, ...a: unknown[]) {
    const source = make.apply(this, a);
    // One stream is read once (tee shares that one read); a second read is the SDK's own error.
    if (used) return source;
    used = true;
    return guardedEvents(source, transformer, g, stream);
  };
  return data;
}

/** A stream the app drops without reading ends its span when it is collected. */
const unread = new FinalizationRegistry<CallGuard>((g) => {
  g.span.set(sc.ATTR_PALISADE_STREAM_COMPLETED, false);
  g.finish();
});

async function* guardedEvents(source: AsyncIterator<unknown>, tf: StreamTransformer, g: CallGuard, stream: StreamLike): AsyncGenerator<unknown> {
  let sourceDone = false;
  let completed = false;
  let failure: unknown;
  let broken = false;
  try {
    for (;;) {
      let r: IteratorResult<unknown>;
      try {
        r = await source.next();
      } catch (err) {
        sourceDone = true;
        throw err;
      }
      if (r.done) {
        sourceDone = true;
        break;
      }
      g.span.firstChunk();
      if (broken) {
        yield r.value;
        continue;
      }
      let out: unknown[];
      try {
        out = tf.push(r.value);
      } catch (err) {
        if (isPalisadeDenied(err)) throw err;
        internal(g.rt, err);
        broken = true;
        out = [r.value];
      }
      for (const e of out) yield e;
    }
    if (!broken) {
      let tail: unknown[] = [];
      try {
        tail = tf.end();
      } catch (err) {
        if (isPalisadeDenied(err)) throw err;
        internal(g.rt, err);
      }
      for (const e of tail) yield e;
    }
    completed = !stream.controller?.signal?.aborted;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (!sourceDone) {
      try {
        await source.return?.();
      } catch {
        // the SDK's own cleanup failed; the stream is over either way
      }
    }
    g.span.set(sc.ATTR_PALISADE_STREAM_COMPLETED, completed);
    g.finish(failure);
  }
}
