import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from '@palisade/core';
import t from 'tap';
import { Anthropic0, OpenAI4, anthropic, clearRecords, collect, decisions, mock, openai, spans, usePolicy } from './helpers.js';

const llm = await mock();
t.teardown(() => llm.close());

const policy = (extra: Record<string, unknown> = {}) => ({
  allow: { 'tool.call': ['get_weather', 'read_file', 'fetch_url', 'send_email', 'shout'], 'fs.read': ['${cwd}/**'], 'net.connect': ['api.example.com:443', '127.0.0.1:*'] },
  deny: { 'tool.call': ['delete_*'] },
  llm: { toolCalls: { args: { read_file: { path: 'fs.read', 'opts.extra': 'fs.read' }, fetch_url: { url: 'net.connect' } } } },
  ...extra,
});

const ask = (content: string) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
const names = (calls: any[] | undefined) => (calls ?? []).map((c) => c.function?.name ?? c.name);

t.test('openai: a denied tool call is removed from the response, the rest kept', async (t) => {
  usePolicy(policy());
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'On it.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'delete_all', arguments: {} }] } }]);
  for (const Ctor of [undefined, OpenAI4]) {
    const r = await openai(llm, Ctor).chat.completions.create(ask('go'));
    t.same(names(r.choices[0].message.tool_calls), ['get_weather']);
    t.equal(r.choices[0].finish_reason, 'tool_calls');
    t.equal(r.choices[0].message.content, 'On it.');
  }
  const d = decisions.find((x) => x.capability === 'tool.call' && x.target === 'delete_all');
  t.match(d, { action: 'deny', rule: 'deny.tool.call[0]', api: 'openai.chat.completions.create' });
  t.equal(d!.detail?.['gen_ai.tool.name'], 'delete_all');
  const check = spans('palisade tool.call delete_all')[0];
  const chat = spans('chat gpt-4o')[0];
  t.ok(check && chat);
  t.equal(check!.links.length, 1, 'linked');
  t.equal(check!.links[0]!.context.spanId, chat!.spanContext().spanId, 'to the model call that proposed it');
  t.equal(check!.attributes['palisade.verdict'], 'deny');
  t.equal(chat!.attributes['palisade.llm.tool_calls.removed'], 1);
  t.equal(spans('palisade tool.call').length, 0, 'no second decision span from the recorder');
});

t.test('openai: when every call is removed, finish_reason says stop', async (t) => {
  usePolicy(policy());
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'delete_all', arguments: {} }] } }]);
  const r = await openai(llm).chat.completions.create(ask('go'));
  t.equal(r.choices[0].message.tool_calls, undefined);
  t.equal(r.choices[0].finish_reason, 'stop');
});

t.test('openai stream: calls split across chunks (name and arguments) are checked whole', async (t) => {
  usePolicy(policy());
  llm.script([
    {
      when: {},
      reply: {
        text: 'Sure.',
        argChunkSize: 2,
        toolCalls: [
          { name: 'delete_all', nameChunks: 3, arguments: { really: true } },
          { name: 'get_weather', nameChunks: 2, arguments: { city: 'Oslo' } },
        ],
      },
    },
  ]);
  const chunks = await collect(await openai(llm).chat.completions.create({ ...ask('go'), stream: true }));
  const frags = chunks.flatMap((c: any) => c.choices[0]?.delta?.tool_calls ?? []);
  t.same(
    frags.map((f: any) => [f.index, f.function.name, f.function.arguments]),
    [[0, 'get_weather', '{"city":"Oslo"}']],
    'one whole fragment per kept call, renumbered',
  );
  t.notOk(JSON.stringify(chunks).includes('delete'), 'nothing of the removed call reaches the app');
  t.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');

  for (const [v, c] of [['7', openai(llm)], ['4', openai(llm, OpenAI4)]] as const) {
    const helper = v === '7' ? c.chat.completions.stream(ask('go')) : c.beta.chat.completions.stream(ask('go'));
    const final = await helper.finalChatCompletion();
    t.same(names(final.choices[0].message.tool_calls), ['get_weather'], `v${v} stream helper`);
    t.equal(final.choices[0].message.tool_calls[0].function.arguments, '{"city":"Oslo"}');
  }
});

t.test('argument constraints: read_file.path must pass fs.read, fetch_url.url net.connect', async (t) => {
  usePolicy(policy());
  const cases: Array<[string, unknown, boolean]> = [
    ['read_file', { path: join(process.cwd(), 'README.md') }, true],
    ['read_file', { path: 'package.json' }, true],
    ['read_file', { path: '/etc/passwd' }, false],
    ['read_file', { path: '../../../../etc/passwd' }, false],
    ['read_file', { path: `${process.cwd()}/../../etc/passwd` }, false],
    ['read_file', { path: 'file:///etc/passwd' }, false],
    ['read_file', { path: '~/.ssh/id_rsa' }, false],
    ['read_file', { path: ['README.md', '/etc/shadow'] }, false],
    ['read_file', { path: 42 }, false],
    ['read_file', { path: 'README.md', opts: { extra: '/etc/hosts' } }, false],
    ['read_file', '{"path": "/etc/passwd"', false],
    ['read_file', {}, true],
    ['fetch_url', { url: 'https://api.example.com/v1/x' }, true],
    ['fetch_url', { url: 'https://API.EXAMPLE.COM./v1/x' }, true],
    ['fetch_url', { url: 'http://api.example.com/v1/x' }, false],
    ['fetch_url', { url: 'https://evil.example/?q=1' }, false],
    ['fetch_url', { url: 'https://api.example.com@evil.example/' }, false],
    ['fetch_url', { url: 'not a url at all' }, false],
  ];
  for (const [name, args, kept] of cases) {
    llm.script([{ when: {}, reply: { toolCalls: [{ name, arguments: args }] } }]);
    const r = await openai(llm).chat.completions.create(ask('go'));
    t.equal(names(r.choices[0].message.tool_calls).length, kept ? 1 : 0, `${name} ${JSON.stringify(args)} ${kept ? 'kept' : 'removed'}`);
  }
  clearRecords();
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'read_file', arguments: { path: '/etc/passwd' } }] } }]);
  await openai(llm).chat.completions.create(ask('go'));
  const d = decisions.find((x) => x.capability === 'tool.call');
  t.match(d, { action: 'deny', target: 'read_file', rule: 'allow.fs.read' });
  t.match(d!.reason, /argument path "\/etc\/passwd": fs.read \/etc\/passwd/);
  t.ok(homedir());
});

t.test('a tool name in another spelling is caught by the deny entry', async (t) => {
  usePolicy(policy());
  for (const name of ['Delete_All', 'delete_all ', 'DELETE_ALL', 'ｄｅｌｅｔｅ_all']) {
    llm.script([{ when: {}, reply: { toolCalls: [{ name, arguments: {} }] } }]);
    const r = await openai(llm).chat.completions.create(ask('go'));
    t.same(names(r.choices[0].message.tool_calls), [], JSON.stringify(name));
  }
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'SHOUT', arguments: {} }] } }]);
  const r = await openai(llm).chat.completions.create(ask('go'));
  t.same(names(r.choices[0].message.tool_calls), ['SHOUT'], 'another spelling of an allowed name is allowed');
});

t.test('onDeny: block refuses the whole response', async (t) => {
  usePolicy(policy({ llm: { toolCalls: { onDeny: 'block' } } }));
  llm.script([{ when: {}, reply: { text: 'x', toolCalls: [{ name: 'get_weather', arguments: {} }, { name: 'delete_all', arguments: {} }] } }]);
  await t.rejects(openai(llm).chat.completions.create(ask('go')), { code: 'ERR_PALISADE_DENIED', name: 'PalisadeDeniedError', toolName: 'delete_all', capability: 'tool.call' });
  await t.rejects(openai(llm).chat.completions.create(ask('go')).withResponse(), { code: 'ERR_PALISADE_DENIED' });
  const stream = await openai(llm).chat.completions.create({ ...ask('go'), stream: true });
  const seen: any[] = [];
  await t.rejects(
    (async () => {
      for await (const c of stream) seen.push(c);
    })(),
    { code: 'ERR_PALISADE_DENIED', toolName: 'delete_all' },
  );
  t.notOk(JSON.stringify(seen).includes('tool_calls":[{'), 'no tool call reached the app before the block');
  clearRecords();
  await t.rejects(anthropic(llm).messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] }), { code: 'ERR_PALISADE_DENIED' });
  t.equal(spans('chat claude-x')[0]!.attributes['error.type'], 'PalisadeDeniedError');
});

t.test('flow rules: after a tool result the run is untrusted, and its flows apply to proposals', async (t) => {
  usePolicy(policy({ flows: [{ when: ['untrusted'], deny: { 'tool.call': ['send_email'] } }] }));
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'send_email', arguments: { to: 'x@example.com' } }] } }]);
  await run({ agent: 'mailer' }, async () => {
    const first = await openai(llm).chat.completions.create(ask('mail the summary'));
    t.same(names(first.choices[0].message.tool_calls), ['send_email'], 'trusted run: allowed');
    const second = await openai(llm).chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'summarize the page' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'fetch_url', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'page text' },
      ],
    });
    t.same(names(second.choices[0].message.tool_calls), [], 'untrusted run: removed');
  });
});

t.test('monitor mode keeps the call and records an alert', async (t) => {
  usePolicy(policy({ mode: 'monitor' }));
  clearRecords();
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'delete_all', arguments: {} }] } }]);
  const r = await openai(llm).chat.completions.create(ask('go'));
  t.same(names(r.choices[0].message.tool_calls), ['delete_all']);
  t.match(decisions.find((d) => d.capability === 'tool.call'), { action: 'alert', target: 'delete_all' });
});

t.test('anthropic: removal, renumbered blocks, stop_reason (both majors, create and stream())', async (t) => {
  usePolicy(policy());
  llm.script([
    {
      when: {},
      reply: {
        text: 'Let me do that.',
        argChunkSize: 3,
        toolCalls: [
          { name: 'delete_all', arguments: { everything: true } },
          { name: 'get_weather', arguments: { city: 'Rome' } },
        ],
      },
    },
  ]);
  for (const [v, Ctor] of [['1', undefined], ['0', Anthropic0]] as const) {
    const c = anthropic(llm, Ctor);
    const req = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] };
    const m = await c.messages.create(req);
    t.same(
      m.content.map((b: any) => b.type),
      ['text', 'tool_use'],
      `v${v} create`,
    );
    t.equal(m.content[1].name, 'get_weather');
    t.equal(m.stop_reason, 'tool_use');
    const events = await collect(await c.messages.create({ ...req, stream: true }));
    const starts = events.filter((e: any) => e.type === 'content_block_start');
    t.same(
      starts.map((e: any) => [e.index, e.content_block.type, e.content_block.name]),
      [
        [0, 'text', undefined],
        [1, 'tool_use', 'get_weather'],
      ],
      `v${v} stream: renumbered`,
    );
    t.notOk(JSON.stringify(events).includes('delete_all'));
    const final = await c.messages.stream(req).finalMessage();
    t.same(final.content.map((b: any) => b.name ?? b.text), ['Let me do that.', 'get_weather'], `v${v} stream() finalMessage`);
    t.same(final.content[1].input, { city: 'Rome' });
  }
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'delete_all', arguments: {} }] } }]);
  const m = await anthropic(llm).messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] });
  t.same(m.content, []);
  t.equal(m.stop_reason, 'end_turn', 'no tool_use left');
  const final = await anthropic(llm).messages.stream({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] }).finalMessage();
  t.equal(final.stop_reason, 'end_turn');
  t.same(final.content, []);
});

t.test('anthropic: argument constraints apply to tool_use input', async (t) => {
  usePolicy(policy());
  llm.script([{ when: {}, reply: { toolCalls: [{ name: 'read_file', arguments: { path: '/etc/shadow' } }, { name: 'read_file', arguments: { path: 'README.md' } }] } }]);
  const m = await anthropic(llm).messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] });
  t.same(m.content.map((b: any) => b.input.path), ['README.md']);
  const final = await anthropic(llm).messages.stream({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] }).finalMessage();
  t.same(final.content.map((b: any) => b.input.path), ['README.md']);
});

t.test('responses API: function calls removed, output renumbered, output_text intact', async (t) => {
  usePolicy(policy());
  llm.script([{ when: {}, reply: { text: 'Working.', argChunkSize: 4, toolCalls: [{ name: 'delete_all', arguments: {} }, { name: 'get_weather', arguments: { city: 'Lima' } }] } }]);
  for (const [v, Ctor] of [['7', undefined], ['4', OpenAI4]] as const) {
    const c = openai(llm, Ctor);
    const r = await c.responses.create({ model: 'gpt-4o', input: 'go' });
    t.same(
      r.output.map((i: any) => i.name ?? i.type),
      ['message', 'get_weather'],
      `v${v} create`,
    );
    t.equal(r.output_text, 'Working.');
    const events = await collect(await c.responses.create({ model: 'gpt-4o', input: 'go', stream: true }));
    t.notOk(JSON.stringify(events).includes('delete_all'), `v${v} stream: removed`);
    const added = events.filter((e: any) => e.type === 'response.output_item.added').map((e: any) => [e.output_index, e.item.name ?? e.item.type]);
    t.same(added, [
      [0, 'message'],
      [1, 'get_weather'],
    ]);
    const completed = events.find((e: any) => e.type === 'response.completed');
    t.same(
      completed.response.output.map((i: any) => i.name ?? i.type),
      ['message', 'get_weather'],
    );
    const final = await c.responses.stream({ model: 'gpt-4o', input: 'go' }).finalResponse();
    t.same(
      final.output.map((i: any) => i.name ?? i.type),
      ['message', 'get_weather'],
      `v${v} stream helper`,
    );
  }
});
