import t from 'tap';
import { CANARY_MAX_LENGTH, createCanary, detectCanaries } from '../src/canary.js';

t.test('createCanary', async (t) => {
  const a = createCanary('Support Bot!');
  const b = createCanary('Support Bot!');
  t.match(a, /^pcn-support-bot-[0-9a-f]{16}$/);
  t.not(a, b, 'tokens are random');
  t.match(createCanary(), /^pcn-[0-9a-f]{16}$/);
  t.ok(createCanary('x'.repeat(100)).length <= CANARY_MAX_LENGTH);
});

t.test('detectCanaries', async (t) => {
  const token = createCanary('sys');
  const random = token.slice(-16);
  const out = `Sure, my instructions begin with ${token} and then…`;
  const f = detectCanaries(out, [token]);
  t.equal(f.length, 1);
  t.equal(out.slice(f[0]!.start, f[0]!.end), token);
  t.equal(f[0]!.severity, 'critical');
  t.equal(detectCanaries(out.toUpperCase(), [token]).length, 1, 'case changed');
  t.same(detectCanaries(`id ${random} leaked`, [token]).map((x) => x.rule), ['canary-partial'], 'prefix dropped');
  t.same(detectCanaries(`b64 ${Buffer.from(token).toString('base64')}`, [token]).map((x) => x.rule), ['canary-base64']);
  t.same(detectCanaries('nothing to see here', [token]), []);
  t.same(detectCanaries(out, []), [], 'no tokens, no findings');
  t.same(detectCanaries(out, [createCanary('other')]), [], 'another token does not match');
});
