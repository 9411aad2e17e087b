import t from 'tap';
import { OpenAI4, chunkText, clearRecords, collect, mock, openai, spans, usePolicy } from './helpers.js';

const llm = await mock();
t.teardown(() => llm.close());

const ask = (content: string) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] });

t.test('what the app gets back is unchanged (no guards configured)', async (t) => {
  usePolicy({});
  llm.script([{ when: { contains: 'story' }, reply: { text: 'Once upon a time, a fox.', chunkSize: 3 } }]);
  for (const [version, Ctor] of [['7', undefined], ['4', OpenAI4]] as const) {
    const c = openai(llm, Ctor);
    const r = await c.chat.completions.create(ask('a story'));
    t.equal(r.choices[0].message.content, 'Once upon a time, a fox.', `v${version} create`);
    t.equal(r._request_id, 'req_mock_' + llm.requests.at(-1)!.n, `v${version} _request_id`);
    const { data, response, request_id } = await c.chat.completions.create(ask('a story')).withResponse();
    t.equal(data.choices[0].message.content, 'Once upon a time, a fox.', `v${version} withResponse data`);
    t.equal(response.status, 200);
    t.ok(request_id, `v${version} request_id`);
    const raw = await c.chat.completions.create(ask('a story')).asResponse();
    t.equal((await raw.json()).choices[0].message.content, 'Once upon a time, a fox.', `v${version} asResponse`);
    const stream = await c.chat.completions.create({ ...ask('a story'), stream: true });
    t.equal(chunkText(await collect(stream)), 'Once upon a time, a fox.', `v${version} stream`);
    const [left, right] = (await c.chat.completions.create({ ...ask('a story'), stream: true })).tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    t.equal(chunkText(a), 'Once upon a time, a fox.', `v${version} tee left`);
    t.equal(chunkText(b), 'Once upon a time, a fox.', `v${version} tee right`);
    const helper = version === '7' ? c.chat.completions.stream(ask('a story')) : c.beta.chat.completions.stream(ask('a story'));
    const deltas: string[] = [];
    helper.on('content', (d: string) => deltas.push(d));
    const final = await helper.finalChatCompletion();
    t.equal(final.choices[0].message.content, 'Once upon a time, a fox.', `v${version} stream helper`);
    t.equal(deltas.join(''), 'Once upon a time, a fox.', `v${version} content events`);
  }
});

t.test('chat span: GenAI attributes from request and response', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'Hi there', usage: { input: 11, output: 3 } } }]);
  await openai(llm).chat.completions.create({ ...ask('hello'), max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['END'], seed: 7, n: 2 });
  const [span] = spans('chat gpt-4o');
  t.ok(span);
  t.equal(span!.kind, 2, 'CLIENT');
  t.match(span!.attributes, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.request.max_tokens': 50,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.top_p': 0.9,
    'gen_ai.request.stop_sequences': ['END'],
    'gen_ai.request.seed': 7,
    'gen_ai.request.choice.count': 2,
    'gen_ai.response.model': 'gpt-4o',
    'gen_ai.response.finish_reasons': ['stop', 'stop'],
    'gen_ai.usage.input_tokens': 11,
    'gen_ai.usage.output_tokens': 3,
    'server.address': '127.0.0.1',
    'server.port': llm.port,
  });
  t.match(span!.attributes['gen_ai.response.id'], /^chatcmpl-mock-/);
  t.notOk('gen_ai.input.messages' in span!.attributes, 'no content without opt-in');
  t.notOk('gen_ai.output.messages' in span!.attributes);
});

t.test('stream span: ends with the stream, time to first chunk, usage from the last chunk', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'abcdefgh', chunkSize: 2, firstChunkDelayMs: 30, usage: { input: 5, output: 4 } } }]);
  const stream = await openai(llm).chat.completions.create({ ...ask('x'), stream: true, stream_options: { include_usage: true } });
  t.equal(spans('chat gpt-4o').length, 0, 'not ended before the stream is read');
  t.equal(chunkText(await collect(stream)), 'abcdefgh');
  const [span] = spans('chat gpt-4o');
  t.ok(span);
  const ttfc = span!.attributes['gen_ai.response.time_to_first_chunk'] as number;
  t.ok(ttfc > 0 && ttfc < 5, `time to first chunk ${ttfc}s`);
  t.match(span!.attributes, { 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 4, 'gen_ai.response.finish_reasons': ['stop'], 'palisade.llm.stream.completed': true, 'gen_ai.request.stream': true });
});

t.test('an abandoned stream ends its span (not completed) and aborts the request', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'a'.repeat(400), chunkSize: 4, delayMs: 2 } }]);
  const stream = await openai(llm).chat.completions.create({ ...ask('x'), stream: true });
  let n = 0;
  for await (const _ of stream) if (++n === 3) break;
  const [span] = spans('chat gpt-4o');
  t.ok(span, 'span ended on break');
  t.equal(span!.attributes['palisade.llm.stream.completed'], false);
  t.equal(stream.controller.signal.aborted, true, 'the SDK aborted the request');
});

t.test('API errors end the span with error.type and reach the app unchanged', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { error: { status: 429, type: 'rate_limit_error', message: 'slow down' } } }]);
  const err = await openai(llm).chat.completions.create(ask('x')).catch((e: unknown) => e);
  t.equal((err as { constructor: { name: string } }).constructor.name, 'RateLimitError');
  t.equal((err as { status: number }).status, 429);
  await new Promise((r) => setImmediate(r));
  const [span] = spans('chat gpt-4o');
  t.equal(span!.attributes['error.type'], 'RateLimitError');
  t.equal(span!.status.code, 2);
});

t.test('an error event in the middle of a stream reaches the app and ends the span', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'partial text', streamError: { message: 'overloaded' } } }]);
  const stream = await openai(llm).chat.completions.create({ ...ask('x'), stream: true });
  await t.rejects(collect(stream), { message: /overloaded/ });
  t.equal(spans('chat gpt-4o')[0]!.attributes['error.type'], 'APIError');
});

t.test('a connection cut mid-stream surfaces as the SDK error', async (t) => {
  usePolicy({});
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'x'.repeat(100), chunkSize: 5, abortAfter: 3 } }]);
  const stream = await openai(llm).chat.completions.create({ ...ask('x'), stream: true });
  const err = await collect(stream).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err, 'the read failed');
  t.ok(spans('chat gpt-4o')[0]!.attributes['error.type'], 'error.type on the span');
});

t.test('content on spans only with telemetry.content', async (t) => {
  usePolicy({ telemetry: { content: true } });
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'Paris.' } }]);
  await openai(llm).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }] });
  const span = spans('chat gpt-4o')[0]!;
  const input = span.attributes['gen_ai.input.messages'];
  const output = span.attributes['gen_ai.output.messages'];
  if (input === undefined) {
    t.pass('no detectors to redact with: content left out');
    return;
  }
  t.same(JSON.parse(input as string), [
    { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
  ]);
  t.same(JSON.parse(output as string), [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' }]);
});

t.test('embeddings: span attributes, vectors unchanged (float and base64 decoding)', async (t) => {
  usePolicy({});
  clearRecords();
  for (const Ctor of [undefined, OpenAI4]) {
    const r = await openai(llm, Ctor).embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 16 });
    t.equal(r.data.length, 2);
    t.equal(r.data[0].embedding.length, 16);
  }
  const floats = await openai(llm).embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float', dimensions: 16 });
  const [span] = spans('embeddings text-embedding-3-small');
  t.match(span!.attributes, {
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'text-embedding-3-small',
    'gen_ai.embeddings.dimension.count': 16,
    'gen_ai.response.model': 'text-embedding-3-small',
  });
  t.ok((span!.attributes['gen_ai.usage.input_tokens'] as number) > 0);
  t.equal(floats.data[0].embedding.length, 16);
});

t.test('a stream the app never reads ends its span when collected', async (t) => {
  usePolicy({});
  clearRecords();
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  await (async () => {
    const stream = await openai(llm).chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] });
    stream.controller.abort();
  })();
  for (let i = 0; i < 20 && spans('chat gpt-4o').length === 0; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const [span] = spans('chat gpt-4o');
  t.ok(span, 'span ended');
  t.equal(span?.attributes['palisade.llm.stream.completed'], false);
});
