import * as api from '@opentelemetry/api';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

// The parts of the OpenTelemetry SDK that `palisade/register` sets up when the environment asks for an
// exporter, and the API they are built with. The build bundles this module, with the packages behind it,
// into dist/otel-sdk.bundle.cjs, loaded with V8's code cache (dist/otel-sdk.cjs): from their ~200
// separate files they cost ~40 ms of start-up. The API copy in the bundle shares the app's registrations
// (tracer provider, context manager) through the API's global, as copies of @opentelemetry/api 1.x do.

export type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
export type ExporterBase = typeof import('@opentelemetry/otlp-exporter-base/node-http');

/**
 * The OTLP/HTTP (protobuf) span exporter, its code run on first use (the first
 * export): in the bundle it shares the API and SDK copies above, and loads
 * none of its ~230 files. `adopt` completes the configuration with the
 * exporter's base package at hand (own-agent.ts: the HTTP agent).
 */
export function otlpTraceExporter(config: ExporterConfig, adopt: (config: ExporterConfig, base: ExporterBase) => ExporterConfig): SpanExporter {
  // require() calls the bundler inlines; this module runs only as the bundle (dist/otel-sdk.cjs).
  const exporter = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const base = require('@opentelemetry/otlp-exporter-base/node-http') as ExporterBase;
  return new exporter.OTLPTraceExporter(adopt(config, base));
}

/** The API as a plain object (its exports never change after loading). */
export const otelApi: typeof api = { ...api };
export { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
export { resourceFromAttributes } from '@opentelemetry/resources';
