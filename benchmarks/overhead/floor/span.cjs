'use strict';
/**
 * Floor of `telemetry.spans: "all"`: what one OpenTelemetry SDK span per call costs with no
 * Palisade loaded. Plain Node, the SDK packages palisade/register uses, set up as it sets them up
 * (BatchSpanProcessor with its defaults, OTLP/HTTP protobuf exporter to OTEL_EXPORTER_OTLP_ENDPOINT),
 * and the benchmark's readFileSync timed alone and followed by a span, in interleaved batches of
 * app.cjs's size. Prints one `FLOOR_JSON {...}` line: median ns/op per variant.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const sdk = createRequire(require.resolve('palisade/register'));
const api = sdk('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor } = sdk('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = sdk('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = sdk('@opentelemetry/resources');

const SMALL = path.join(process.env.BENCH_DATA, 'small.txt');
const SCALE = Number(process.env.BENCH_SCALE || 1);
const BATCHES = Math.max(1, Number(process.env.BENCH_BATCHES || 5));
const N = Math.max(1, Math.round(2000 * SCALE));

// palisade/register's processor: the SDK's BatchSpanProcessor, each full batch handed to the exporter at
// once (span-queue.js), so that a span per call means a span exported per call, as there; the processor
// alone would drop most spans of these synchronous batches and never encode them. Its exporter likewise
// lets each batch's spans go once handed over (the processor alone keeps them until the sink answers).
const { exportEveryBatch, letGoOfExportedSpans, queueLimits } = require(path.join(__dirname, '..', '..', '..', 'packages', 'palisade', 'dist', 'span-queue.js'));
const limits = queueLimits(process.env);
const exporter = letGoOfExportedSpans(new OTLPTraceExporter({ concurrencyLimit: 64 }));
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'palisade-bench-floor' }),
  spanProcessors: [exportEveryBatch(new BatchSpanProcessor(exporter, { ...limits }), limits.maxExportBatchSize)],
});
const tracer = provider.getTracer('floor');
const INTERNAL = api.SpanKind.INTERNAL;

// The attributes Palisade puts on an allowed operation's span (capability, verdict, rule, reason, target, mode, api).
const allowed = (target) => ({
  'palisade.capability': 'fs.read',
  'palisade.verdict': 'allow',
  'palisade.rule': 'allow.fs.read[0]',
  'palisade.reason': 'allowed by allow.fs.read[0]',
  'palisade.target': target,
  'palisade.mode': 'enforce',
  'palisade.api': 'fs.readFileSync',
});

const variants = {
  op: () => fs.readFileSync(SMALL),
  span: () => {
    fs.readFileSync(SMALL);
    tracer.startSpan('palisade fs.read', { kind: INTERNAL, attributes: { 'palisade.capability': 'fs.read', 'palisade.verdict': 'allow' } }).end();
  },
  span7: () => {
    fs.readFileSync(SMALL);
    tracer.startSpan('palisade fs.read', { kind: INTERNAL, attributes: allowed(SMALL) }).end();
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

const per = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const fn of Object.values(variants)) for (let i = 0; i < N / 2; i++) fn();
for (let b = 0; b < BATCHES; b++) {
  for (const [k, fn] of Object.entries(variants)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    per[k].push(Number(process.hrtime.bigint() - t0) / N);
  }
}
const ns = Object.fromEntries(Object.entries(per).map(([k, xs]) => [k, median(xs)]));
provider.shutdown().finally(() => process.stdout.write('FLOOR_JSON ' + JSON.stringify({ ns }) + '\n'));
