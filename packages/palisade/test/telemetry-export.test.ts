import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { ownExporter } from '../src/telemetry-sdk.js';

/** An exporter that keeps each batch it is given until `finish()`, as one that encodes late would. */
function holdingExporter() {
  const held: Array<{ spans: ReadableSpan[]; done: (r: { code: number }) => void }> = [];
  const received: string[] = [];
  const exporter: SpanExporter = {
    export(spans, done) {
      held.push({ spans, done });
    },
    shutdown: async () => undefined,
  };
  // Answered exports: their spans, read only now (as a late encoder would), are what was received.
  const finish = () => held.splice(0).forEach((h) => (received.push(...h.spans.map((s) => s.name)), h.done({ code: 0 })));
  return { exporter, held, received, finish };
}

t.test("the processor's array is emptied at once; the exporter keeps its own copy for as long as it needs", async (t) => {
  const { exporter, held, finish } = holdingExporter();
  ownExporter(exporter);
  const provider = new BasicTracerProvider();
  const spans = ['a', 'b', 'c'].map((name) => {
    const s = provider.getTracer('test').startSpan(name);
    s.end();
    return s as unknown as ReadableSpan;
  });
  const handed = [...spans];
  let result: { code: number } | undefined;
  exporter.export(handed, (r) => (result = r));
  t.same(handed, [], "the caller's array no longer holds the spans");
  t.equal(held.length, 1);
  t.not(held[0]!.spans, handed, 'the exporter has an array of its own');
  t.same(held[0]!.spans.map((s) => s.name), ['a', 'b', 'c'], 'with every span, still there before the export ends');
  t.equal(result, undefined);
  finish();
  t.same(result, { code: 0 });
});

t.test('through a BatchSpanProcessor: every span of a burst reaches the exporter', async (t) => {
  const { exporter, received, finish } = holdingExporter();
  ownExporter(exporter);
  const processor = new BatchSpanProcessor(exporter, { maxExportBatchSize: 10, maxQueueSize: 100, scheduledDelayMillis: 60_000 });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
  for (let i = 0; i < 95; i++) tracer.startSpan(`op${i}`).end();
  const flushed = processor.forceFlush();
  await new Promise((r) => setImmediate(r));
  finish();
  await flushed;
  finish();
  t.equal(received.length, 95, 'all 95 spans, each read when its export was answered');
  t.same(new Set(received).size, 95, 'none twice');
});
