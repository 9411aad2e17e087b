import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { exportEveryBatch, queueLimits } from '../src/span-queue.js';

/** An exporter whose exports stay in flight until `finish()`, as over a network during a synchronous burst. */
function slowExporter() {
  const pending: Array<() => void> = [];
  let received = 0;
  let exports = 0;
  let open = false;
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      exports++;
      received += spans.length;
      if (open) done({ code: 0 });
      else pending.push(() => done({ code: 0 }));
    },
    shutdown: async () => undefined,
  };
  // finish(): the exports in flight complete, and later ones at once.
  const finish = () => {
    open = true;
    for (const f of pending.splice(0)) f();
  };
  return { exporter, received: () => received, exports: () => exports, finish };
}

const NEVER = { shouldSample: () => ({ decision: 0 }), toString: () => 'never' };

function setup(limits: { maxExportBatchSize: number; maxQueueSize: number }) {
  const slow = slowExporter();
  const processor = exportEveryBatch(new BatchSpanProcessor(slow.exporter, { ...limits, scheduledDelayMillis: 60_000 }), limits.maxExportBatchSize);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('test');
  return { slow, provider, burst: (n: number) => { for (let i = 0; i < n; i++) tracer.startSpan('op').end(); } };
}

/** A processor that counts what reaches it and the flushes asked of it. */
function countingProcessor() {
  const counts = { ended: 0, flushes: 0 };
  const processor = { onStart() {}, onEnd: () => void counts.ended++, forceFlush: async () => void counts.flushes++, shutdown: async () => {} };
  return { counts, processor };
}

t.test('queueLimits: OTEL_BSP_* read as the SDK reads them, the batch never larger than the queue', async (t) => {
  t.same(queueLimits({}), { maxExportBatchSize: 512, maxQueueSize: 2048 });
  t.same(queueLimits({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10' }), { maxExportBatchSize: 10, maxQueueSize: 100 });
  t.same(queueLimits({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' }), { maxExportBatchSize: 100, maxQueueSize: 100 });
  for (const bad of ['', ' ', 'x', '-5', '0', '1.5', 'Infinity']) {
    t.same(queueLimits({ OTEL_BSP_MAX_QUEUE_SIZE: bad, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: bad }), { maxExportBatchSize: 512, maxQueueSize: 2048 }, `"${bad}" leaves the defaults`);
  }
});

t.test('a synchronous burst far beyond the queue reaches the exporter whole', async (t) => {
  const s = setup({ maxExportBatchSize: 50, maxQueueSize: 200 });
  s.burst(10_000);
  // Nothing could finish during the burst (no event-loop turn), yet no span waited past a full batch.
  t.equal(s.slow.received(), 10_000, 'every span handed to the exporter during the burst');
  t.equal(s.slow.exports(), 200, 'a batch at a time');
  s.slow.finish();
  await s.provider.shutdown();
});

t.test('without the watch, the same burst loses most spans (what it is there for)', async (t) => {
  const slow = slowExporter(() => {});
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(slow.exporter, { maxExportBatchSize: 50, maxQueueSize: 200, scheduledDelayMillis: 60_000 })] });
  const tracer = provider.getTracer('test');
  for (let i = 0; i < 10_000; i++) tracer.startSpan('op').end();
  t.equal(slow.received(), 50, 'one batch in flight');
  slow.finish();
  await provider.shutdown();
  t.equal(slow.received(), 250, 'then the full queue; the other 9,750 dropped');
});

t.test('a flush is asked for once per full batch of sampled spans, every span passed on', async (t) => {
  const { counts, processor } = countingProcessor();
  const provider = new BasicTracerProvider({ spanProcessors: [exportEveryBatch(processor, 10)] });
  for (let i = 0; i < 105; i++) provider.getTracer('t').startSpan('op').end();
  t.equal(counts.ended, 105, 'every span passed on');
  t.equal(counts.flushes, 10, 'one flush per 10 spans; the last 5 wait for the next batch or the timer');
});

t.test('unsampled spans do not count towards a batch', async (t) => {
  const { counts, processor } = countingProcessor();
  const provider = new BasicTracerProvider({ spanProcessors: [exportEveryBatch(processor, 5)], sampler: NEVER });
  for (let i = 0; i < 100; i++) provider.getTracer('t').startSpan('op').end();
  t.equal(counts.flushes, 0);
});

t.test('forceFlush and shutdown reach the wrapped processor', async (t) => {
  const s = setup({ maxExportBatchSize: 50, maxQueueSize: 200 });
  s.burst(7);
  t.equal(s.slow.received(), 0, 'a partial batch waits');
  const flushed = s.provider.forceFlush();
  t.equal(s.slow.received(), 7, 'forceFlush hands it over');
  s.slow.finish();
  await flushed;
  await s.provider.shutdown();
});
