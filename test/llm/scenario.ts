/**
 * The app side of the end-to-end tests: one scenario per SDK, written as
 * plain JavaScript for the child process (ESM and CJS apps both load it).
 * Each prints one JSON line with what the app saw.
 */
export const SCENARIO = `
const ask = (content) => [{ role: 'user', content }];
async function denied(p) {
  try { await p; return false; } catch (e) { return e.code === 'ERR_PALISADE_DENIED' ? e.capability : String(e.message); }
}
export async function openaiScenario(label, OpenAI, base) {
  const c = new OpenAI({ baseURL: base + '/v1', apiKey: 'test', maxRetries: 0 });
  const out = { label, sdk: 'openai' };
  out.deniedModel = await denied(c.chat.completions.create({ model: 'gpt-3.5-turbo-denied', messages: ask('hi') }));
  out.deniedModelSpelling = await denied(c.chat.completions.create({ model: 'GPT-4o-Mini ', messages: ask('hi') }));
  const r = await c.chat.completions.create({ model: 'gpt-4o', messages: ask('tools please') });
  out.tools = (r.choices[0].message.tool_calls ?? []).map((t) => t.function.name);
  const { data, response } = await c.chat.completions.create({ model: 'gpt-4o', messages: ask('secret please') }).withResponse();
  out.text = data.choices[0].message.content;
  out.status = response.status;
  const s = await c.chat.completions.create({ model: 'gpt-4o', stream: true, messages: ask('secret please') });
  let text = '';
  for await (const ch of s) text += ch.choices[0]?.delta?.content ?? '';
  out.streamText = text;
  const st = await c.chat.completions.create({ model: 'gpt-4o', stream: true, messages: ask('tools please') });
  const names = [];
  for await (const ch of st) for (const t of ch.choices[0]?.delta?.tool_calls ?? []) if (t.function?.name) names.push(t.function.name);
  out.streamTools = names;
  const resp = await c.responses.create({ model: 'gpt-4o', input: 'tools please' });
  out.responseTools = resp.output.filter((i) => i.type === 'function_call').map((i) => i.name);
  const emb = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
  out.embedding = emb.data[0].embedding.length;
  console.log(JSON.stringify(out));
}
export async function anthropicScenario(label, Anthropic, base) {
  const c = new Anthropic({ baseURL: base, apiKey: 'test', maxRetries: 0 });
  const out = { label, sdk: 'anthropic' };
  out.deniedModel = await denied(c.messages.create({ model: 'gpt-3.5-turbo-denied', max_tokens: 9, messages: ask('hi') }));
  out.deniedModelSpelling = await denied(c.messages.create({ model: 'GPT-4o-Mini ', max_tokens: 9, messages: ask('hi') }));
  const m = await c.messages.create({ model: 'claude-x', max_tokens: 9, messages: ask('tools please') });
  out.tools = m.content.filter((b) => b.type === 'tool_use').map((b) => b.name);
  out.text = (await c.messages.create({ model: 'claude-x', max_tokens: 9, messages: ask('secret please') })).content[0].text;
  const final = await c.messages.stream({ model: 'claude-x', max_tokens: 9, messages: ask('secret please') }).finalMessage();
  out.streamText = final.content[0].text;
  const ft = await c.messages.stream({ model: 'claude-x', max_tokens: 9, messages: ask('tools please') }).finalMessage();
  out.streamTools = ft.content.filter((b) => b.type === 'tool_use').map((b) => b.name);
  console.log(JSON.stringify(out));
}
`;

export const POLICY = {
  version: 1,
  mode: 'enforce',
  allow: { 'llm.model': ['gpt-4o*', 'claude-*', 'text-embedding-*'], 'tool.call': ['get_weather'] },
  deny: { 'llm.model': ['gpt-4o-mini'] },
  detect: { secrets: 'redact', canary: 'block', 'exfil-url': 'redact' },
  audit: { path: './palisade-audit.jsonl' },
};

export const TOKEN = 'ghp_4Kx9mZq2Lw8Rt5Yp3Nv7Bc1Df6Gh0Jk2Mn4P';

export const RULES = [
  { when: { contains: 'tools please' }, reply: { text: 'On it.', argChunkSize: 3, toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'delete_all', arguments: {} }] } },
  { when: { contains: 'secret please' }, reply: { chunks: ['The key is gh', 'p_4Kx9mZq2Lw8', 'Rt5Yp3Nv7Bc1Df6Gh0', 'Jk2Mn4P, keep', ' it safe.'] } },
];
