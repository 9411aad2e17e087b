import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// zod (Palisade's own dependency) generates parsers with the Function
// constructor when it can; an app sharing that copy must keep parsing under a
// policy that denies code generation.
t.test('zod parses in the app under "code.eval": false', async (t) => {
  const r = await runProtected({
    policy: { version: 1, allow: { 'code.eval': false } },
    script: `import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const fromPalisade = createRequire(fileURLToPath(import.meta.resolve('palisade')));
const { z } = createRequire(fromPalisade.resolve('@palisade/core'))('zod');
const User = z.object({ name: z.string(), age: z.number().int() });
const ok = User.safeParse({ name: 'a', age: 3 });
const bad = User.safeParse({ name: 'a', age: 'x' });
let direct;
try { new Function('return 1'); direct = 'allowed'; } catch (e) { direct = e.code; }
console.log(JSON.stringify({ ok: ok.success, bad: bad.success, direct }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { ok: true, bad: false, direct: 'ERR_PALISADE_DENIED' }, 'zod works; code generation itself is still denied');
});
