import fc from 'fast-check';
import t from 'tap';
import { modelForms } from '../src/index.js';
import { Anthropic, Anthropic0, OpenAI, OpenAI4, anthropic, clearRecords, decisions, mock, openai, spans, usePolicy } from './helpers.js';

const llm = await mock();
t.teardown(() => llm.close());

t.test('model name forms: trimmed, and folded after NFKC with zero-width characters dropped', async (t) => {
  t.same(modelForms('gpt-4o'), ['gpt-4o']);
  t.same(modelForms(' GPT-4o '), ['GPT-4o', 'gpt-4o']);
  t.same(modelForms('ｇｐｔ-４ｏ'), ['ｇｐｔ-４ｏ', 'gpt-4o']);
  t.same(modelForms('gpt-\u200b4o'), ['gpt-\u200b4o', 'gpt-4o']);
  t.same(modelForms('GPT-4o\t'), ['GPT-4o', 'gpt-4o'], 'a tab is trimmed');
});

t.test('model name forms: the printable-ASCII shortcut gives what the full folding gives', async (t) => {
  const full = (model: string) => {
    const trimmed = model.trim();
    const folded = trimmed.normalize('NFKC').replace(/[\u200b-\u200d\u2060\ufeff]/g, '').trim().toLowerCase();
    return folded === trimmed ? [trimmed] : [trimmed, folded];
  };
  const names = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'aAzZ09-_.: /\t\n\u00a0\u200b\uff47\u2126\u212a\u0130'.split('')) }),
    fc.string({ unit: 'grapheme-ascii' }),
    fc.string(),
  );
  fc.assert(fc.property(names, (name) => JSON.stringify(modelForms(name)) === JSON.stringify(full(name))), { numRuns: 3000 });
  t.pass('same forms for 3,000 generated names');
});

t.test('a model outside the allow list fails before any network I/O, in every SDK and copy', async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o*', 'claude-*'] } });
  llm.reset();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['openai 7 chat', () => openai(llm).chat.completions.create({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] })],
    ['openai 7 chat stream', () => openai(llm).chat.completions.create({ model: 'gpt-3.5-turbo', stream: true, messages: [{ role: 'user', content: 'hi' }] })],
    ['openai 7 stream helper', () => openai(llm).chat.completions.stream({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion()],
    ['openai 7 responses', () => openai(llm).responses.create({ model: 'o3', input: 'hi' })],
    ['openai 7 embeddings', () => openai(llm).embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })],
    ['openai 4 chat', () => openai(llm, OpenAI4).chat.completions.create({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] })],
    ['openai 4 beta stream helper', () => openai(llm, OpenAI4).beta.chat.completions.stream({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion()],
    ['anthropic 1 messages', () => anthropic(llm).messages.create({ model: 'gemini-pro', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })],
    ['anthropic 1 stream()', () => anthropic(llm).messages.stream({ model: 'gemini-pro', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()],
    ['anthropic 1 beta', () => anthropic(llm).beta.messages.create({ model: 'gemini-pro', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })],
    ['anthropic 0 messages', () => anthropic(llm, Anthropic0).messages.create({ model: 'gemini-pro', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })],
  ];
  for (const [what, call] of calls) {
    // Stream helpers wrap any error in the SDK's own error class, with the original as its cause.
    const err = await call().then(
      () => undefined,
      (e: any) => (e?.code === 'ERR_PALISADE_DENIED' ? e : e?.cause),
    );
    t.match(err, { code: 'ERR_PALISADE_DENIED', capability: 'llm.model', rule: 'allow.llm.model' }, what);
  }
  t.equal(llm.requests.length, 0, 'no request reached the server');
  t.ok(OpenAI && Anthropic);
});

t.test('a deny entry catches other spellings of the model name', async (t) => {
  usePolicy({ deny: { 'llm.model': ['gpt-4o-mini', 'claude-3-opus*'] } });
  llm.reset();
  for (const model of ['gpt-4o-mini', 'GPT-4o-mini', 'gpt-4o-mini ', ' gpt-4o-mini', 'ｇｐｔ-４ｏ-ｍｉｎｉ', 'gpt-4o-\u200bmini', 'Claude-3-Opus-20240229']) {
    await t.rejects(
      openai(llm).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
      { code: 'ERR_PALISADE_DENIED', capability: 'llm.model' },
      JSON.stringify(model),
    );
  }
  t.equal(llm.requests.length, 0);
  const ok = await openai(llm).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  t.equal(ok.choices[0].message.content, 'OK', 'other models pass');
  t.equal(llm.requests.length, 1);
});

t.test('an upper-case spelling of an allowed model is allowed, as the provider reads it', async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o'] } });
  const r = await openai(llm).chat.completions.create({ model: 'GPT-4o', messages: [{ role: 'user', content: 'hi' }] });
  t.equal(r.choices[0].message.content, 'OK');
});

t.test('the denied promise behaves like the SDK promise: withResponse rejects, nothing is left unhandled', async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o'] } });
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  await t.rejects(openai(llm).chat.completions.create({ model: 'x', messages: [] }).withResponse(), { code: 'ERR_PALISADE_DENIED' });
  await t.rejects(openai(llm).chat.completions.create({ model: 'x', messages: [] }).asResponse(), { code: 'ERR_PALISADE_DENIED' });
  const p = openai(llm).chat.completions.create({ model: 'x', messages: [] });
  t.equal(typeof p.withResponse, 'function');
  await t.rejects(p.then((v: unknown) => v), { code: 'ERR_PALISADE_DENIED' });
  openai(llm).chat.completions.create({ model: 'x', messages: [] }); // never awaited
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onUnhandled);
  t.same(unhandled, []);
});

t.test('the denial is recorded, and the chat span ends with error.type', async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o'] } });
  clearRecords();
  await t.rejects(openai(llm).chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] }));
  const d = decisions.find((r) => r.capability === 'llm.model');
  t.match(d, { action: 'deny', target: 'gpt-5', rule: 'allow.llm.model', api: 'openai.chat.completions.create' });
  const [span] = spans('chat gpt-5');
  t.ok(span, 'chat span');
  t.equal(span!.attributes['error.type'], 'PalisadeDeniedError');
  const decisionSpan = spans('palisade llm.model')[0];
  t.ok(decisionSpan, 'decision span');
  t.equal(decisionSpan!.parentSpanContext?.spanId, span!.spanContext().spanId, 'the decision is a child of the chat span');
});

t.test('monitor mode lets the call through and records an alert', async (t) => {
  usePolicy({ mode: 'monitor', allow: { 'llm.model': ['gpt-4o'] } });
  clearRecords();
  llm.reset();
  const r = await openai(llm).chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] });
  t.equal(r.choices[0].message.content, 'OK');
  t.equal(llm.requests.length, 1);
  t.match(decisions.find((d) => d.capability === 'llm.model'), { action: 'alert', target: 'gpt-5' });
});

t.test("the client's generic post() is guarded like the resource methods, and nested calls are guarded once", async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o', 'claude-*'] } });
  llm.reset();
  const c = openai(llm);
  const body = { model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] };
  for (const path of ['/chat/completions', 'chat/completions', '/chat//completions?x=1', '/responses', '/embeddings']) {
    await t.rejects(c.post(path, { body }), { code: 'ERR_PALISADE_DENIED' }, path);
  }
  await t.rejects(openai(llm, OpenAI4).post('/chat/completions', { body }), { code: 'ERR_PALISADE_DENIED' }, 'v4');
  await t.rejects(anthropic(llm).post('/v1/messages', { body: { ...body, max_tokens: 5 } }), { code: 'ERR_PALISADE_DENIED' }, 'anthropic');
  await t.rejects(anthropic(llm).post('/v1/messages?beta=true', { body: { ...body, max_tokens: 5 } }), { code: 'ERR_PALISADE_DENIED' }, 'anthropic beta');
  t.equal(llm.requests.length, 0);
  const ok = await c.post('/chat/completions', { body: { ...body, model: 'gpt-4o' } });
  t.equal(ok.choices[0].message.content, 'OK', 'an allowed model goes through post()');
  clearRecords();
  usePolicy({ mode: 'learn', allow: { 'llm.model': ['gpt-4o'] } });
  await c.chat.completions.create({ ...body, model: 'gpt-4o' });
  t.equal(decisions.filter((d) => d.capability === 'llm.model').length, 1, 'create() → post() is decided once');
  t.equal(spans('chat gpt-4o').length, 1, 'one span');
});
