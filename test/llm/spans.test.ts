import t from 'tap';
import { startMockLlm } from '../fixtures/mock-llm/index.mjs';
import { runProtected } from '../helpers/protected.js';

/** GenAI spans as an app with its own OpenTelemetry SDK receives them, through `node --import palisade/register`. */
const llm = await startMockLlm();
t.teardown(() => llm.close());
llm.script([
  { when: { contains: 'tools' }, reply: { text: 'Sure.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'delete_all', arguments: {} }], usage: { input: 12, output: 7 } } },
  { when: { contains: 'stream' }, reply: { text: 'one two three four', chunkSize: 4, firstChunkDelayMs: 40 } },
]);

const APP = `
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const base = process.env.MOCK_LLM_URL;
const openai = new OpenAI({ baseURL: base + '/v1', apiKey: 'k', maxRetries: 0 });
await openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'tools please' }] });
const s = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
for await (const _ of s);
const a = new Anthropic({ baseURL: base, apiKey: 'k', maxRetries: 0 });
await a.messages.stream({ model: 'claude-x', max_tokens: 9, messages: [{ role: 'user', content: 'stream please' }] }).finalMessage();
await provider.forceFlush();
for (const sp of exporter.getFinishedSpans()) {
  console.log(JSON.stringify({ name: sp.name, kind: sp.kind, id: sp.spanContext().spanId, parent: sp.parentSpanContext?.spanId, attributes: sp.attributes, links: sp.links.map((l) => l.context.spanId), events: sp.events.map((e) => e.name) }));
}
`;

t.test('chat spans, tool-call checks linked to the call that proposed them', async (t) => {
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', allow: { 'tool.call': ['get_weather'] } },
    script: APP,
    env: { MOCK_LLM_URL: llm.url },
  });
  t.equal(r.code, 0, r.stderr);
  const spans = r.json;
  const chats = spans.filter((s) => s.name === 'chat gpt-4o');
  t.equal(chats.length, 2);
  const [call, stream] = chats as Array<{ id: string; kind: number; attributes: Record<string, unknown> }>;
  t.equal(call!.kind, 2, 'CLIENT');
  t.match(call!.attributes, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.request.max_tokens': 64,
    'gen_ai.response.model': 'gpt-4o',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.usage.input_tokens': 12,
    'gen_ai.usage.output_tokens': 7,
    'server.address': '127.0.0.1',
    'server.port': llm.port,
    'palisade.llm.tool_calls.removed': 1,
  });
  const check = spans.find((s) => s.name === 'palisade tool.call delete_all') as { links: string[]; attributes: Record<string, unknown> } | undefined;
  t.ok(check, 'the denied proposal has its span');
  t.same(check!.links, [call!.id], 'linked to the chat span that proposed it');
  t.match(check!.attributes, { 'palisade.verdict': 'deny', 'palisade.capability': 'tool.call', 'gen_ai.tool.name': 'delete_all' });
  t.notOk(spans.some((s) => s.name === 'palisade tool.call get_weather'), 'allowed proposals make no span under spans: decisions');
  const ttfc = stream!.attributes['gen_ai.response.time_to_first_chunk'] as number;
  t.ok(ttfc >= 0.03 && ttfc < 5, `time to first chunk ${ttfc}s`);
  t.equal(stream!.attributes['palisade.llm.stream.completed'], true);
  const claude = spans.find((s) => s.name === 'chat claude-x') as { attributes: Record<string, unknown> } | undefined;
  t.match(claude?.attributes, { 'gen_ai.provider.name': 'anthropic', 'gen_ai.response.finish_reasons': ['end_turn'] });
  t.ok(spans.some((s) => String(s.name).startsWith('POST') || s.name === 'chat gpt-4o'), 'spans exported');
});
