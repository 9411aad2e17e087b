import * as api from '@opentelemetry/api';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

// The parts of the OpenTelemetry SDK that `palisade/register` sets up when the environment asks for an
// exporter, and the API they are built with. The build bundles this module, with the packages behind it,
// into dist/otel-sdk.bundle.cjs, loaded with V8's code cache (dist/otel-sdk.cjs): from their ~200
// separate files they cost ~40 ms of start-up. The API copy in the bundle shares the app's registrations
// (tracer provider, context manager) through the API's global, as copies of @opentelemetry/api 1.x do.

/**
 * The OTLP/HTTP (protobuf) span exporter, its code run on first use (the first
 * export): in the bundle it shares the API and SDK copies above, and loads
 * none of its ~230 files.
 */
export function otlpTraceExporter(config: ConstructorParameters<typeof OTLPTraceExporter>[0]): SpanExporter {
  // A require() the bundler inlines; this module runs only as the bundle (dist/otel-sdk.cjs).
  const exporter = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new exporter.OTLPTraceExporter(config);
}

/** The API as a plain object (its exports never change after loading). */
export const otelApi: typeof api = { ...api };
export { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
export { resourceFromAttributes } from '@opentelemetry/resources';
