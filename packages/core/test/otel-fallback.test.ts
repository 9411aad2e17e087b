import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { enforce, setFallbackTracerProvider } from '../src/index.js';
import { fresh, thrown } from './helpers/index.js';

// No global provider in this process until the last test registers one.
const fallbackExporter = new InMemorySpanExporter();
const fallback = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(fallbackExporter)] });
const appExporter = new InMemorySpanExporter();
const app = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });

t.test('with no provider registered, nothing is emitted and nothing breaks', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] } });
  t.equal(thrown(t, () => enforce('tool.call', 'x')).code, 'ERR_PALISADE_DENIED');
  t.same(fallbackExporter.getFinishedSpans(), []);
});

t.test('the fallback provider (set by register) is used while the app has none', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] } });
  setFallbackTracerProvider(fallback);
  t.teardown(() => setFallbackTracerProvider(undefined));
  thrown(t, () => enforce('tool.call', 'x'));
  t.same(fallbackExporter.getFinishedSpans().map((s) => s.name), ['palisade tool.call']);
  t.equal(fallbackExporter.getFinishedSpans()[0]!.instrumentationScope.name, 'palisade');
});

t.test("the app's own provider wins over the fallback", async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] } });
  setFallbackTracerProvider(fallback);
  t.teardown(() => setFallbackTracerProvider(undefined));
  fallbackExporter.reset();
  t.ok(trace.setGlobalTracerProvider(app));
  thrown(t, () => enforce('tool.call', 'x'));
  t.same(appExporter.getFinishedSpans().map((s) => s.name), ['palisade tool.call']);
  t.same(fallbackExporter.getFinishedSpans(), []);
});
