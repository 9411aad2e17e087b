import { createRequire } from 'node:module';
import { activeRuntime, runSuppressed, setFallbackTracerProvider } from '@palisade/core';
import { exportEveryBatch, letGoOfExportedSpans, queueLimits } from './span-queue.js';
import { withOwnAgent } from './own-agent.js';
import type { ExporterBase } from './otel-sdk.js';

// CommonJS loads synchronously, which `--require palisade/register` needs (no top-level await).
const require = createRequire(import.meta.url);

export interface TelemetrySetup {
  readonly exporter: string;
  readonly endpoint?: string | undefined;
  shutdown(): Promise<void>;
}

function wanted(env: NodeJS.ProcessEnv): string | undefined {
  const exporter = env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim();
  if (exporter === 'none') return undefined;
  if (exporter) return exporter;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) return 'otlp';
  return undefined;
}

/**
 * Sets up a tracer provider for Palisade's spans when the environment asks for
 * an exporter (standard OTEL_* variables). It is a fallback, not a global
 * registration: if the app registers its own OpenTelemetry SDK, Palisade's
 * spans go there instead, and the app's own registration is never refused.
 */
export function setupTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetrySetup | undefined {
  const kind = wanted(env);
  if (!kind || env.OTEL_SDK_DISABLED === 'true') return undefined;
  const base = loadSdk();
  const { resourceFromAttributes } = base;
  let exporter: SpanExporter;
  let endpoint: string | undefined;
  if (kind === 'otlp') {
    // Requests in flight before the exporter refuses a batch (its default is 30): room for a burst of
    // 64 batches of 512 spans, about 11 MB of encoded spans.
    exporter = onFirstExport(() => base.otlpTraceExporter({ concurrencyLimit: 64 }, withOwnAgent));
    endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces');
  } else if (kind === 'console') {
    exporter = new base.ConsoleSpanExporter();
  } else {
    throw new Error(`OTEL_TRACES_EXPORTER=${kind} is not supported by palisade/register: use otlp, console or none`);
  }
  ownExporter(exporter);
  let processor: import('@opentelemetry/sdk-trace-base').SpanProcessor;
  if (kind === 'console') processor = new base.SimpleSpanProcessor(exporter);
  else {
    const limits = queueLimits(env);
    processor = exportEveryBatch(new base.BatchSpanProcessor(exporter, { ...limits }), limits.maxExportBatchSize);
  }
  const provider = new base.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'palisade-app' }),
    spanProcessors: [processor],
  });
  setFallbackTracerProvider(provider, base.otelApi);
  let done: Promise<void> | undefined;
  const shutdown = () => (done ??= provider.shutdown().catch(() => undefined));
  process.once('beforeExit', () => void shutdown());
  return { exporter: kind, endpoint, shutdown };
}

type SpanExporter = import('@opentelemetry/sdk-trace-base').SpanExporter;
type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
type OtelSdk = typeof import('./otel-sdk.js');

/**
 * The SDK: the build's code-cached bundle of it next to this module (dist), or
 * else the packages themselves (running from source). A bundle that is there
 * but fails to load is an error, reported as a telemetry setup failure.
 */
function loadSdk(): OtelSdk {
  let bundled: string | undefined;
  try {
    bundled = require.resolve('./otel-sdk.cjs');
  } catch {
    // not built: the packages
  }
  if (bundled !== undefined) return require(bundled) as OtelSdk;
  const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  return {
    BasicTracerProvider: sdk.BasicTracerProvider,
    BatchSpanProcessor: sdk.BatchSpanProcessor,
    ConsoleSpanExporter: sdk.ConsoleSpanExporter,
    SimpleSpanProcessor: sdk.SimpleSpanProcessor,
    resourceFromAttributes,
    otelApi: require('@opentelemetry/api') as OtelSdk['otelApi'],
    otlpTraceExporter: (config, adopt) => {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter(adopt(config, require('@opentelemetry/otlp-exporter-base/node-http') as ExporterBase));
    },
  };
}

/**
 * An exporter made when the first batch is exported: the OTLP exporter's code
 * runs then (~5 ms from the bundle, ~30 ms from its packages), not at start-up
 * (the first batch leaves after BatchSpanProcessor's delay or once 512 spans
 * wait). It reads its OTEL_EXPORTER_OTLP_* settings when it is made.
 */
function onFirstExport(make: () => SpanExporter): SpanExporter {
  let real: SpanExporter | undefined;
  return {
    export: (spans, done) => (real ??= make()).export(spans, done),
    shutdown: () => real?.shutdown() ?? Promise.resolve(),
    forceFlush: () => real?.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * The exporter's own requests pass the network sensors like any other; they
 * must not become spans, which would be exported in turn, and so on: what
 * an export does synchronously runs inside runSuppressed, and the requests
 * that leave later go through an agent of its own (own-agent.ts). An
 * export that fails (the collector refuses, the exporter throws, too many
 * requests are in flight) is counted as a telemetry error, its spans as lost,
 * and reported to `internal-error` listeners; the app never sees the failure.
 */
function suppressOwnExport(exporter: SpanExporter): void {
  const exportSpans = exporter.export.bind(exporter);
  const failed = (spans: number, error: unknown) => {
    const recorder = activeRuntime()?.recorder;
    if (!recorder) return;
    recorder.stats.telemetryErrors++;
    recorder.stats.spansLost += spans;
    recorder.internalError('telemetry export', error ?? new Error('span export failed'));
  };
  // The result callback is made apart from the batch, so that it does not keep the spans alive while the
  // export is in flight (letGoOfExportedSpans relies on that).
  const settle = (count: number, done: (r: ExportResult) => void) => (result: ExportResult) => {
    if (result.code !== 0) failed(count, result.error); // ExportResultCode.SUCCESS is 0
    done(result);
  };
  exporter.export = (spans, done) => {
    const finish = settle(spans.length, done);
    runSuppressed(() => {
      try {
        exportSpans(spans, finish);
      } catch (err) {
        finish({ code: 1, error: err as Error });
      }
    });
  };
}

/** The register's exporter: its own traffic unspanned and its failures counted (above), each batch let go once handed over. */
export function ownExporter(exporter: SpanExporter): SpanExporter {
  suppressOwnExport(exporter);
  return letGoOfExportedSpans(exporter);
}
