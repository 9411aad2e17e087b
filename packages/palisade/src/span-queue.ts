import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

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

export interface QueueWatch {
  readonly processor: SpanProcessor;
  /** The exporter was handed `n` spans (the processor took them off its queue). */
  handedOver(n: number): void;
}

/**
 * BatchSpanProcessor exports one batch at a time and drops every span that
 * ends while `maxQueueSize` wait, saying so only to OpenTelemetry's diag
 * logger: a burst of operations under `spans: "all"` (a loop of file reads)
 * kept 2,560 of 10,000 spans. This wraps the processor, counts what waits by
 * the processor's own rule (a sampled span waits until its batch is handed to
 * the exporter), and once a full batch waits asks for it now: forceFlush
 * exports every waiting batch, also while another is in flight. Only the
 * exporter's limit on requests in flight can still refuse a batch, and that
 * is a failed export, counted where exports are. A span the processor drops
 * anyway is passed to `lost`.
 */
export function exportEveryBatch(inner: SpanProcessor, limits: QueueLimits, lost: (n: number) => void): QueueWatch {
  let waiting = 0;
  const processor: SpanProcessor = {
    onStart: (span: Span, parent: Context) => inner.onStart(span, parent),
    onEnd(span: ReadableSpan) {
      if ((span.spanContext().traceFlags & SAMPLED) !== 0) {
        // Counted before the processor sees it: with no export in flight it hands a full batch over at once.
        if (waiting >= limits.maxQueueSize) lost(1);
        else waiting++;
      }
      inner.onEnd(span);
      if (waiting >= limits.maxExportBatchSize) void inner.forceFlush().catch(() => undefined);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
  return {
    processor,
    handedOver(n) {
      waiting = Math.max(0, waiting - n);
    },
  };
}
