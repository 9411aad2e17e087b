import * as api from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { enforce, setFallbackTracerProvider } from '../src/index.js';
import { fresh, thrown } from './helpers/index.js';

// palisade/register hands core the API instance its bundled SDK was built with; core must use that
// one (and not load the package on its own) when nothing loaded the API before.
t.test('the API instance given with the fallback provider is the one spans are made through', async (t) => {
  let activeCalls = 0;
  const context = Object.create(api.context, {
    active: { value: () => (activeCalls++, api.context.active()) },
  }) as typeof api.context;
  const instance = { ...api, context };
  const exporter = new InMemorySpanExporter();
  fresh(t, { deny: { 'tool.call': ['x'] } });
  setFallbackTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }), instance);
  t.teardown(() => setFallbackTracerProvider(undefined));
  thrown(t, () => enforce('tool.call', 'x'));
  t.same(exporter.getFinishedSpans().map((s) => s.name), ['palisade tool.call']);
  t.ok(activeCalls > 0, `the given instance's context was asked (${activeCalls} times)`);
});
