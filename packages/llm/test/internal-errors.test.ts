/**
 * A fault inside Palisade's check of what a model asks for or proposes (the
 * model name, a proposed tool call): `onInternalError: "deny"` refuses it —
 * the request is blocked, the tool call removed — with rule `internal-error`;
 * `"allow"` lets it through. Recorded either way; the app gets a normal
 * SDK result or a normal SDK-shaped error.
 */
import { activeRuntime, stats } from '@palisade/core';
import t from 'tap';
import { clearRecords, decisions, mock, openai, usePolicy } from './helpers.js';

const llm = await mock();
t.teardown(() => llm.close());

function breakGuard(t: Tap.Test): void {
  const proto = Object.getPrototypeOf(activeRuntime()!.guard.base) as Record<string, unknown>;
  const saved = { check: proto.check, checkEndpoint: proto.checkEndpoint };
  const fail = () => {
    throw new TypeError('injected guard fault');
  };
  Object.assign(proto, { check: fail, checkEndpoint: fail });
  t.teardown(() => Object.assign(proto, saved));
}

const policy = { allow: { 'tool.call': ['get_weather'], 'llm.model': ['gpt-*'] } };
const ask = { model: 'gpt-4o', messages: [{ role: 'user', content: 'go' }] };

t.test('fail closed: the model request is refused, with rule internal-error', async (t) => {
  usePolicy({ ...policy, onInternalError: 'deny' });
  clearRecords();
  breakGuard(t);
  llm.script([{ when: {}, reply: { text: 'hi' } }]);
  const before = llm.requests.length;
  await t.rejects(openai(llm).chat.completions.create(ask), { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' });
  t.equal(llm.requests.length, before, 'nothing was sent');
  t.match(decisions.find((d) => d.rule === 'internal-error'), { action: 'deny', capability: 'llm.model' });
  t.ok(stats()!.guardErrors >= 1);
});

t.test('fail closed: a proposed tool call that cannot be checked is removed', async (t) => {
  usePolicy({ ...policy, onInternalError: 'deny' });
  clearRecords();
  llm.script([{ when: {}, reply: { text: 'On it.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }]);
  // Break only the tool.call check: the model name still passes.
  const base = activeRuntime()!.guard.base as unknown as { check(c: string, t: string): unknown };
  const original = Object.getPrototypeOf(base).check as (c: string, t: string) => unknown;
  base.check = function (this: unknown, c: string, target: string) {
    if (c === 'tool.call') throw new TypeError('injected guard fault');
    return original.call(this, c, target);
  };
  t.teardown(() => delete (base as { check?: unknown }).check);
  const r = await openai(llm).chat.completions.create(ask);
  t.equal(r.choices[0].message.tool_calls, undefined, 'the call was removed');
  t.equal(r.choices[0].message.content, 'On it.', 'the rest of the answer is intact');
  t.match(decisions.find((d) => d.rule === 'internal-error'), { action: 'deny', capability: 'tool.call', target: 'get_weather' });
});

t.test('fail open: the request goes through and the tool call is kept, both recorded as alerts', async (t) => {
  usePolicy({ ...policy, onInternalError: 'allow' });
  clearRecords();
  breakGuard(t);
  llm.script([{ when: {}, reply: { text: 'On it.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }]);
  const r = await openai(llm).chat.completions.create(ask);
  t.same(r.choices[0].message.tool_calls?.map((c: { function: { name: string } }) => c.function.name), ['get_weather']);
  const faults = decisions.filter((d) => d.rule === 'internal-error');
  t.ok(faults.length >= 2 && faults.every((d) => d.action === 'alert'), 'the model check and the tool-call check, as alerts');
});
