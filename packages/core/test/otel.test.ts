import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { type DecisionRecord, activeRuntime, enforce, isOwnAgent, label, markOwnAgent, on, run, runSuppressed, stats, tool, tracingSuppressed } from '../src/index.js';
import { fresh, thrown } from './helpers/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const CORE_SRC = fileURLToPath(new URL('../src/', import.meta.url));
const SUPPRESS = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
t.teardown(async () => {
  await provider.shutdown();
  contextManager.disable();
});

t.beforeEach(() => exporter.reset());
const spans = () => exporter.getFinishedSpans();
const named = (prefix: string) => spans().filter((s) => s.name.startsWith(prefix));
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

t.test('a deny becomes a span with the decision, the scope and the runtime path', async (t) => {
  fresh(t, { deny: { 'fs.read': ['/etc/shadow'] } });
  function readShadow() {
    return enforce('fs.read', '/etc/shadow', 'fs.readFileSync');
  }
  await run({ agent: 'bot', user: 'u1' }, async () => {
    label('untrusted');
    await tool('files', async () => thrown(t, readShadow))();
  });
  const [span] = named('palisade ');
  t.ok(span, 'one decision span');
  t.equal(span!.name, 'palisade fs.read');
  t.equal(span!.kind, SpanKind.INTERNAL);
  const a = span!.attributes;
  t.match(a, {
    'palisade.capability': 'fs.read',
    'palisade.verdict': 'deny',
    'palisade.rule': 'deny.fs.read[0]',
    'palisade.reason': 'matches deny entry "/etc/shadow"',
    'palisade.target': '/etc/shadow',
    'palisade.mode': 'enforce',
    'palisade.api': 'fs.readFileSync',
    'palisade.scope.agent': 'bot',
    'palisade.scope.user': 'u1',
    'palisade.scope.tool': 'files',
    'palisade.scope.labels': ['untrusted'],
    'error.type': 'PalisadeDeniedError',
    'code.function.name': 'readShadow',
    'code.file.path': THIS_FILE,
  });
  t.type(a['palisade.scope.id'], 'string');
  t.type(a['palisade.scope.run_id'], 'string');
  t.type(a['code.line.number'], 'number');
  t.type(a['code.column.number'], 'number');
  const stack = String(a['code.stacktrace']).split('\n');
  t.match(stack[0], new RegExp(`^    at readShadow \\(${THIS_FILE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+\\)$`));
  t.notOk(stack.some((l) => l.includes(CORE_SRC) || l.includes('(node:')), 'trimmed to application frames');
  t.equal(span!.status.code, SpanStatusCode.ERROR);
  t.equal(span!.status.message, 'matches deny entry "/etc/shadow"');
});

t.test('decision spans sit under the execute_tool and invoke_agent spans', async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'net.connect': ['@metadata'] } });
  await run({ agent: 'bot' }, async () => {
    await tool('web_fetch', async () => {
      activeRuntime()!.decideEndpoint('net.connect', { host: '169.254.169.254', port: 80 }, 'net.connect');
    })();
  });
  run({}, () => {});
  const [agent, anon] = named('invoke_agent');
  const [toolSpan] = named('execute_tool');
  const [decision] = named('palisade ');
  t.equal(agent!.name, 'invoke_agent bot');
  t.match(agent!.attributes, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'bot' });
  t.type(agent!.attributes['palisade.scope.id'], 'string');
  t.equal(anon!.name, 'invoke_agent', 'a run without an agent name');
  t.equal(toolSpan!.name, 'execute_tool web_fetch');
  t.match(toolSpan!.attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_fetch' });
  t.equal(parentOf(toolSpan!), agent!.spanContext().spanId);
  t.equal(parentOf(decision!), toolSpan!.spanContext().spanId);
  t.equal(decision!.spanContext().traceId, agent!.spanContext().traceId);
  t.equal(decision!.attributes['palisade.verdict'], 'alert');
  t.equal(decision!.status.code, SpanStatusCode.UNSET, 'an alert is not an error');
  t.equal(decision!.attributes['palisade.scope.id'], toolSpan!.attributes['palisade.scope.id']);
});

t.test('a failing tool or run marks its span as an error', async (t) => {
  fresh(t, { allow: { 'tool.call': ['ok*'] } });
  await t.rejects(run({ agent: 'a' }, async () => tool('ok_async', async () => Promise.reject(Object.assign(new Error('nope'), { code: 'E_NOPE' })))()));
  t.throws(() => run({ agent: 'b' }, () => tool('ok_sync', () => {
    throw new TypeError('bad');
  })()));
  t.throws(() => run({ agent: 'c' }, () => tool('denied', () => 1)()), { code: 'ERR_PALISADE_DENIED' });
  const tools = named('execute_tool');
  t.same(tools.map((s) => [s.name, s.status.code, s.attributes['error.type']]), [
    ['execute_tool ok_async', SpanStatusCode.ERROR, 'E_NOPE'],
    ['execute_tool ok_sync', SpanStatusCode.ERROR, 'TypeError'],
  ], 'a denied tool never starts its span');
  const runs = named('invoke_agent');
  t.same(runs.map((s) => [s.name, s.status.code, s.attributes['error.type']]), [
    ['invoke_agent a', SpanStatusCode.ERROR, 'E_NOPE'],
    ['invoke_agent b', SpanStatusCode.ERROR, 'TypeError'],
    ['invoke_agent c', SpanStatusCode.ERROR, 'ERR_PALISADE_DENIED'],
  ]);
  t.equal(named('palisade tool.call')[0]?.attributes['palisade.target'], 'denied');
});

t.test("telemetry.as 'event' adds an event to the active span instead", async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'tool.call': ['x'] }, telemetry: { as: 'event' } });
  run({ agent: 'bot' }, () => enforce('tool.call', 'x'));
  const [agent] = named('invoke_agent');
  t.equal(named('palisade ').length, 0, 'no decision span');
  t.equal(agent!.events.length, 1);
  t.equal(agent!.events[0]!.name, 'palisade.decision');
  t.match(agent!.events[0]!.attributes, { 'palisade.verdict': 'alert', 'palisade.rule': 'deny.tool.call[0]', 'code.file.path': THIS_FILE });
  exporter.reset();
  enforce('tool.call', 'x');
  t.equal(named('palisade tool.call').length, 1, 'with no active span, a span after all');
});

t.test("telemetry.spans 'off' emits nothing", async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] }, telemetry: { spans: 'off' } });
  const recs: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => recs.push(r)));
  run({ agent: 'a' }, () => tool('y', () => thrown(t, () => enforce('tool.call', 'x')))());
  t.same(spans(), []);
  t.equal(recs.length, 1, 'listeners still hear of it');
});

t.test("telemetry.spans 'all' spans allowed operations too, without stacks", async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] }, telemetry: { spans: 'all' } });
  run({ agent: 'a' }, () => {
    enforce('tool.call', 'fine');
    enforce('tool.call', 'fine');
    thrown(t, () => enforce('tool.call', 'x'));
  });
  const d = named('palisade ');
  t.same(d.map((s) => s.attributes['palisade.verdict']), ['allow', 'allow', 'deny']);
  t.match(d[0]!.attributes, { 'palisade.rule': 'default', 'palisade.target': 'fine', 'palisade.scope.agent': 'a' });
  t.notOk('code.stacktrace' in d[0]!.attributes || 'code.function.name' in d[0]!.attributes, 'no stack for an allowed operation');
  t.ok('code.stacktrace' in d[2]!.attributes, 'the deny has its stack');
  t.equal(d[0]!.status.code, SpanStatusCode.UNSET);
});

t.test('runSuppressed: no spans for what it runs synchronously; checks and records stay', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] }, telemetry: { spans: 'all' } });
  const recs: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => recs.push(r)));
  const inside = runSuppressed(() => {
    const was = tracingSuppressed();
    thrown(t, () => enforce('tool.call', 'x'));
    enforce('tool.call', 'fine');
    return was;
  });
  t.equal(inside, true);
  t.equal(tracingSuppressed(), false, 'off again once it returns');
  t.throws(() => runSuppressed(() => { throw new Error('boom'); }), /boom/);
  t.equal(tracingSuppressed(), false, 'and once it throws');
  t.same(spans(), [], 'no span for the deny or the allow');
  t.equal(recs.length, 1, 'the deny still reaches listeners (and the audit log)');
  // Only what runs synchronously: work it leaves for later is the app's again (the exporter's
  // later requests are recognised by their agent instead), so no async hooks are needed.
  await runSuppressed(async () => {
    await null;
    t.equal(tracingSuppressed(), false);
    enforce('tool.call', 'later');
  });
  t.equal(named('palisade ').length, 1, 'the later decision is spanned');
});

t.test('markOwnAgent: only the agents marked are the exporter’s own', async (t) => {
  const agent = {};
  t.equal(isOwnAgent(agent), false);
  markOwnAgent(agent);
  t.equal(isOwnAgent(agent), true);
  for (const other of [{}, undefined, null, 'agent', false]) t.equal(isOwnAgent(other), false);
});

t.test('telemetry.stacktrace false keeps the first frame but not the trace', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] }, telemetry: { stacktrace: false } });
  thrown(t, () => enforce('tool.call', 'x'));
  const a = named('palisade ')[0]!.attributes;
  t.equal(a['code.file.path'], THIS_FILE);
  t.notOk('code.stacktrace' in a);
});

t.test('nothing is emitted inside a suppressed context', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] }, telemetry: { spans: 'all' } });
  const recs: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => recs.push(r)));
  t.equal(tracingSuppressed(), false);
  const suppressed = context.active().setValue(SUPPRESS, true);
  await context.with(suppressed, async () => {
    t.equal(tracingSuppressed(), true);
    enforce('tool.call', 'fine');
    thrown(t, () => enforce('tool.call', 'x'));
    await run({ agent: 'exporter' }, async () => tool('send', async () => enforce('tool.call', 'fine2'))());
  });
  t.same(spans(), []);
  t.equal(recs.length, 1, 'the deny is still recorded for listeners');
});

t.test('stacks are captured only when a decision is recorded', async (t) => {
  const original = Error.captureStackTrace;
  let captures = 0;
  Error.captureStackTrace = function (this: unknown, ...args: Parameters<typeof original>) {
    captures++;
    return original.apply(this, args);
  } as typeof original;
  t.teardown(() => {
    Error.captureStackTrace = original;
  });
  for (const spans of ['decisions', 'all'] as const) {
    fresh(t, { allow: { 'tool.call': ['ok'], 'fs.read': ['/srv/**'] }, deny: { 'fs.read': ['/srv/secret'] }, telemetry: { spans } });
    captures = 0;
    run({ agent: 'a' }, () => {
      for (let i = 0; i < 50; i++) {
        enforce('tool.call', 'ok');
        enforce('fs.read', `/srv/f${i % 5}`);
        tool('ok', () => i)();
      }
    });
    t.equal(captures, 0, `${spans}: no stack for allowed operations`);
    thrown(t, () => enforce('fs.read', '/srv/secret'));
    t.ok(captures >= 1, `${spans}: a stack for the deny`);
  }
});

t.test('regression: a run attribute named id, run_id or labels does not replace the scope’s own', async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'tool.call': ['x'] } });
  run({ id: 'req-1', run_id: 'r', labels: 'l' }, () => enforce('tool.call', 'x'));
  const a = named('palisade ')[0]!.attributes;
  const agent = named('invoke_agent')[0]!.attributes;
  t.equal(a['palisade.scope.id'], agent['palisade.scope.id'], 'the scope id, not the attribute');
  t.equal(a['palisade.scope.run_id'], agent['palisade.scope.id']);
  t.notOk('palisade.scope.labels' in a, 'no labels: no labels attribute');
});

t.test('sensor details become attributes; non-scalar ones are left out', async (t) => {
  fresh(t, { mode: 'monitor', deny: { 'fs.read': true } });
  activeRuntime()!.decide('fs.read', '/x', 'fs.open', { 'file.path': '/x', 'fs.flags': 2, 'fs.sync': true, list: ['a', 'b'], nums: [1, 2], mixed: [1, 'a'], obj: { a: 1 }, nothing: null });
  const a = named('palisade ')[0]!.attributes;
  t.match(a, { 'file.path': '/x', 'fs.flags': 2, 'fs.sync': true, list: ['a', 'b'], nums: [1, 2] });
  t.notOk('mixed' in a || 'obj' in a || 'nothing' in a);
});

t.test('a telemetry failure is counted and reported, never thrown into the app', async (t) => {
  fresh(t, { deny: { 'tool.call': ['x'] } });
  const errors: string[] = [];
  t.teardown(on('internal-error', (_e, c) => errors.push(c.source)));
  const tracer = provider.getTracer('palisade');
  const orig = Object.getPrototypeOf(tracer).startSpan;
  Object.getPrototypeOf(tracer).startSpan = () => {
    throw new Error('exporter down');
  };
  t.teardown(() => {
    Object.getPrototypeOf(tracer).startSpan = orig;
  });
  t.equal(thrown(t, () => enforce('tool.call', 'x')).code, 'ERR_PALISADE_DENIED');
  t.equal(run({ agent: 'a' }, () => tool('t', () => 5)()), 5, 'runs and tools still run');
  t.equal(stats()?.telemetryErrors, 1);
  t.same(errors, ['telemetry', 'telemetry', 'telemetry']);
});
