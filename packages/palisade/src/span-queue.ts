import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** BatchSpanProcessor's queue limits, as palisade/register hands them to it. */
export interface QueueLimits {
  readonly maxExportBatchSize: number;
  readonly maxQueueSize: number;
}

const DEFAULTS: QueueLimits = { maxExportBatchSize: 512, maxQueueSize: 2048 };

function positiveInteger(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The limits from the standard OTEL_BSP_* variables. They are passed to the
 * processor explicitly, so the count below follows the same numbers; a value
 * that is not a positive integer leaves the default (as the SDK does).
 */
export function queueLimits(env: NodeJS.ProcessEnv): QueueLimits {
  const maxQueueSize = positiveInteger(env.OTEL_BSP_MAX_QUEUE_SIZE) ?? DEFAULTS.maxQueueSize;
  const batch = positiveInteger(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE) ?? DEFAULTS.maxExportBatchSize;
  // The processor lowers a batch larger than the queue to the queue's size.
  return { maxQueueSize, maxExportBatchSize: Math.min(batch, maxQueueSize) };
}

const SAMPLED = 1; // TraceFlags.SAMPLED

/**
 * BatchSpanProcessor exports one batch at a time and drops every span that
 * ends while `maxQueueSize` wait, saying so only to OpenTelemetry's diag
 * logger: a burst of operations under `spans: "all"` (a loop of file reads)
 * kept 2,560 of 10,000 spans. This wraps the processor and, each time a full
 * batch of sampled spans has ended since it last asked, asks for the waiting
 * spans to be exported now: forceFlush takes them all off the queue at once,
 * also while another export is in flight. The queue so never holds more than
 * a batch, well under its limit, and nothing is dropped; only the exporter's
 * limit on requests in flight can still refuse a batch, a failed export,
 * counted where exports are.
 */
export function exportEveryBatch(inner: SpanProcessor, batchSize: number): SpanProcessor {
  let ended = 0;
  return {
    onStart: (span: Span, parent: Context) => inner.onStart(span, parent),
    onEnd(span: ReadableSpan) {
      inner.onEnd(span);
      if ((span.spanContext().traceFlags & SAMPLED) !== 0 && ++ended >= batchSize) {
        ended = 0;
        void inner.forceFlush().catch(() => undefined);
      }
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/**
 * BatchSpanProcessor keeps the array of spans it hands to `export` until the
 * export ends (the collector answers), so a burst's spans would all stay in
 * memory meanwhile. This hands the exporter its own copy, kept as long as the
 * exporter needs it (the OTLP exporter encodes at once), and empties the
 * processor's. The exporter's `export` is replaced; the exporter is returned.
 */
export function letGoOfExportedSpans<E extends SpanExporter>(exporter: E): E {
  const exportSpans = exporter.export.bind(exporter);
  exporter.export = (spans, done) => {
    const batch = spans.slice();
    spans.length = 0;
    exportSpans(batch, done);
  };
  return exporter;
}
