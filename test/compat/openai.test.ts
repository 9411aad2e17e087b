import t from 'tap';
import { compare } from './compat.js';

// openai SDK against the loopback mock LLM server: chat (plain, streamed, tool calls), responses, embeddings;
// failures: a 404 and a 400 from the API (typed errors with status), ECONNREFUSED (APIConnectionError), a
// missing API key, an invalid argument. Under Palisade the SDK's calls go through its LLM sensors as well.
await compare(t, 'openai', {
  body: String.raw`
  const { default: OpenAI } = await import('openai');
  const { startMockLlm } = await import('../../fixtures/mock-llm/index.mjs');
  const llm = await startMockLlm();
  llm.script([
    { when: { contains: 'weather' }, reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_1' }] } },
    { when: { model: 'missing-model' }, reply: { error: { status: 404, type: 'not_found_error', message: 'no such model', code: 'model_not_found' } } },
    { when: { contains: 'bad request' }, reply: { error: { status: 400, type: 'invalid_request_error', message: 'bad input' } } },
  ], { text: 'Hello from the mock' });
  const client = new OpenAI({ baseURL: llm.openaiBaseURL, apiKey: 'test', maxRetries: 0 });
  const msg = (text) => [{ role: 'user', content: text }];
  await step('chat', async () => { const r = await client.chat.completions.create({ model: 'gpt-4o', messages: msg('hi') }); return [r.model, r.choices[0].message.content, r.choices[0].finish_reason]; });
  await step('chat stream', async () => { const s = await client.chat.completions.create({ model: 'gpt-4o', messages: msg('hi'), stream: true }); let text = ''; for await (const c of s) text += c.choices[0]?.delta?.content ?? ''; return text; });
  await step('tool call', async () => { const r = await client.chat.completions.create({ model: 'gpt-4o', messages: msg('weather?'), tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] }); return r.choices[0].message.tool_calls.map((c) => [c.function.name, c.function.arguments]); });
  await step('responses', async () => { const r = await client.responses.create({ model: 'gpt-4o', input: 'hi' }); return r.output_text; });
  await step('embeddings', async () => { const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'abc' }); return r.data[0].embedding.length; });
  // failures
  const info = (e) => ({ ...err(e), status: e.status ?? null, type: e.type ?? null, ctor: e.constructor?.name ?? null });
  await step('404', () => client.chat.completions.create({ model: 'missing-model', messages: msg('hi') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  await step('400', () => client.chat.completions.create({ model: 'gpt-4o', messages: msg('bad request') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  const closed = await new Promise((r) => { const s = require_net().createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  const down = new OpenAI({ baseURL: 'http://127.0.0.1:' + closed + '/v1', apiKey: 'test', maxRetries: 0 });
  await step('ECONNREFUSED', () => down.chat.completions.create({ model: 'gpt-4o', messages: msg('hi') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  await step('missing API key', () => { const saved = process.env.OPENAI_API_KEY; delete process.env.OPENAI_API_KEY; try { return new OpenAI({ baseURL: llm.openaiBaseURL }); } finally { if (saved !== undefined) process.env.OPENAI_API_KEY = saved; } });
  await step('requests seen by the server', () => llm.requests.map((r) => [r.api, r.body.model, r.body.stream ?? false]));
  await canary('net', () => new OpenAI({ baseURL: 'http://127.0.0.2:9/v1', apiKey: 'test', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: msg('hi') }).catch((e) => { throw e.cause ?? e; }));
  await llm.close();
`,
});
