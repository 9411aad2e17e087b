import { activeRuntime, on } from '@palisade/core';
import t from 'tap';
import { HoldBack } from '../src/index.js';
import { OpenAI4, anthropic, chunkText, collect, mock, openai, usePolicy } from './helpers.js';

const llm = await mock();
t.teardown(() => llm.close());

const TOKEN = 'ghp_4Kx9mZq2Lw8Rt5Yp3Nv7Bc1Df6Gh0Jk2Mn4P';
const faults: Array<{ message: string; source: string }> = [];
on('internal-error', (e, ctx) => faults.push({ message: e.message, source: ctx.source }));

t.test('a fault inside the request guard: reported, and the call goes through as the app made it', async (t) => {
  usePolicy({ detect: { secrets: 'redact' } });
  const rt = activeRuntime()!;
  const original = rt.recorder.recordDetection;
  rt.recorder.recordDetection = () => {
    throw new Error('recorder fault');
  };
  t.teardown(() => {
    rt.recorder.recordDetection = original;
  });
  faults.length = 0;
  const r = await openai(llm).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `x ${TOKEN}` }] });
  t.equal(r.choices[0].message.content, 'OK');
  t.same(faults, [{ message: 'recorder fault', source: 'llm sensor' }]);
});

t.test('a fault inside the stream guard: reported, the rest of the stream reaches the app untouched', async (t) => {
  usePolicy({ detect: { secrets: 'redact' } });
  llm.script([{ when: {}, reply: { text: 'alpha beta gamma delta', chunkSize: 5 } }]);
  const push = HoldBack.prototype.push;
  let calls = 0;
  HoldBack.prototype.push = function (this: HoldBack, d: string) {
    if (++calls === 2) throw new Error('hold-back fault');
    return push.call(this, d);
  };
  t.teardown(() => {
    HoldBack.prototype.push = push;
  });
  faults.length = 0;
  const text = chunkText(await collect(await openai(llm).chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] })));
  t.equal(text, 'alpha beta gamma delta');
  t.same(faults, [{ message: 'hold-back fault', source: 'llm sensor' }]);
});

t.test('calls the SDK itself rejects keep their SDK errors', async (t) => {
  usePolicy({ allow: { 'llm.model': ['gpt-4o'] } });
  const c = openai(llm);
  const bare = await Promise.resolve()
    .then(() => c.chat.completions.create())
    .then(
      () => 'resolved',
      (e: Error) => e.constructor.name,
    );
  t.not(bare, 'PalisadeDeniedError', `no body: ${bare}`);
  llm.script([{ when: {}, reply: { error: { status: 400, message: 'messages is required' } } }]);
  await t.rejects(c.chat.completions.create({ model: 'gpt-4o' }), { status: 400 });
});

t.test('runTools: a removed call is never executed by the SDK runner', async (t) => {
  usePolicy({ allow: { 'tool.call': ['get_weather'] } });
  llm.script([
    { when: { toolResult: true }, reply: { text: 'It is sunny.' } },
    { when: {}, reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }, { name: 'delete_all', arguments: {} }] } },
  ]);
  for (const [v, c] of [['7', openai(llm)], ['4', openai(llm, OpenAI4)]] as const) {
    const ran: string[] = [];
    const tools = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, parse: JSON.parse, function: (a: { city: string }) => (ran.push(`weather ${a.city}`), 'sunny') } },
      { type: 'function', function: { name: 'delete_all', parameters: { type: 'object', properties: {} }, parse: JSON.parse, function: () => (ran.push('delete_all'), 'done') } },
    ];
    const runner = v === '7' ? c.chat.completions.runTools({ model: 'gpt-4o', messages: [{ role: 'user', content: 'weather?' }], tools }) : c.beta.chat.completions.runTools({ model: 'gpt-4o', messages: [{ role: 'user', content: 'weather?' }], tools });
    t.equal(await runner.finalContent(), 'It is sunny.', `v${v}`);
    t.same(ran, ['weather Rome'], `v${v}: only the allowed tool ran`);
  }
});

t.test('many concurrent guarded streams stay separate', async (t) => {
  usePolicy({ detect: { secrets: 'redact' } });
  llm.script([{ when: {}, reply: (req) => ({ text: `${req.messages.at(-1)!.text} token ${TOKEN} end`, chunkSize: 3, delayMs: 1 }) }]);
  const results = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const c = i % 2 ? openai(llm) : anthropic(llm);
      if (i % 2) return chunkText(await collect(await c.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: `n${i}` }] })));
      const m = await c.messages.stream({ model: 'claude-x', max_tokens: 9, messages: [{ role: 'user', content: `n${i}` }] }).finalMessage();
      return m.content[0].text as string;
    }),
  );
  results.forEach((r, i) => t.match(r, new RegExp(`^n${i} token (g|gh|ghp)?\\[REDACTED:secret\\] end$`), `stream ${i}`));
});
