import t from 'tap';
import { compare } from './compat.js';

// @anthropic-ai/sdk against the loopback mock LLM server: messages (plain, streamed, tool use); failures: a
// 404 and a 529 from the API (typed errors with status), ECONNREFUSED, a missing API key.
await compare(t, '@anthropic-ai/sdk', {
  body: String.raw`
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const { startMockLlm } = await import('../../fixtures/mock-llm/index.mjs');
  const llm = await startMockLlm();
  llm.script([
    { when: { contains: 'weather' }, reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'toolu_1' }] } },
    { when: { model: 'missing-model' }, reply: { error: { status: 404, type: 'not_found_error', message: 'no such model' } } },
    { when: { contains: 'overloaded' }, reply: { error: { status: 529, type: 'overloaded_error', message: 'busy' } } },
  ], { text: 'Hello from the mock' });
  const client = new Anthropic({ baseURL: llm.anthropicBaseURL, apiKey: 'test', maxRetries: 0 });
  const msg = (text) => [{ role: 'user', content: text }];
  await step('messages', async () => { const r = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: msg('hi') }); return [r.model, r.content.map((b) => b.text), r.stop_reason]; });
  await step('messages stream', async () => { const s = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: msg('hi') }); let text = ''; s.on('text', (d) => (text += d)); const final = await s.finalMessage(); return [text, final.stop_reason]; });
  await step('raw stream events', async () => { const s = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: msg('hi'), stream: true }); const types = []; for await (const e of s) types.push(e.type); return [...new Set(types)]; });
  await step('tool use', async () => { const r = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: msg('weather?'), tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] }); return r.content.filter((b) => b.type === 'tool_use').map((b) => [b.name, b.input]); });
  const info = (e) => ({ ...err(e), status: e.status ?? null, ctor: e.constructor?.name ?? null });
  await step('404', () => client.messages.create({ model: 'missing-model', max_tokens: 5, messages: msg('hi') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  await step('529', () => client.messages.create({ model: 'claude-x', max_tokens: 5, messages: msg('overloaded') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  const closed = await new Promise((r) => { const s = require_net().createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  const down = new Anthropic({ baseURL: 'http://127.0.0.1:' + closed, apiKey: 'test', maxRetries: 0 });
  await step('ECONNREFUSED', () => down.messages.create({ model: 'claude-x', max_tokens: 5, messages: msg('hi') }).catch((e) => { throw Object.assign(new Error('wrapped'), info(e)); }));
  await step('missing API key', async () => { const saved = process.env.ANTHROPIC_API_KEY; delete process.env.ANTHROPIC_API_KEY; try { const c = new Anthropic({ baseURL: llm.anthropicBaseURL, maxRetries: 0 }); return await c.messages.create({ model: 'claude-x', max_tokens: 5, messages: msg('hi') }).then(() => 'sent', (e) => info(e)); } finally { if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved; } });
  await step('requests seen by the server', () => llm.requests.map((r) => [r.api, r.body.model, r.body.stream ?? false]));
  await canary('net', () => new Anthropic({ baseURL: 'http://127.0.0.2:9', apiKey: 'test', maxRetries: 0 }).messages.create({ model: 'claude-x', max_tokens: 5, messages: msg('hi') }).catch((e) => { throw e.cause ?? e; }));
  await llm.close();
`,
});
