import t from 'tap';
import { startMockLlm } from '../fixtures/mock-llm/index.mjs';
import { runProtected } from '../helpers/protected.js';
import { POLICY, RULES, TOKEN } from './scenario.js';

/**
 * The detectors load at the first guarded LLM call, long after start-up, under whatever fs policy the
 * app has: an allow list that names only the app's data must not keep Palisade from reading its own
 * package (nor may the read count as the app's).
 */
const llm = await startMockLlm();
t.teardown(() => llm.close());
llm.script(RULES);

for (const preload of ['import', 'require'] as const) {
  t.test(`--${preload}: detectors load at the first LLM call under an fs.read allow list of the app's data only`, async (t) => {
    const r = await runProtected({
      preload,
      policy: { ...POLICY, allow: { ...POLICY.allow, 'fs.read': ['${cwd}/data/**'] } },
      scriptName: 'app.cjs',
      env: { MOCK_LLM_URL: llm.url },
      script: `const OpenAI = require('openai');
const loadedAtStart = Object.keys(require.cache).some((k) => k.includes('detectors'));
let outside;
try { require('fs').readFileSync('/etc/hostname'); } catch (e) { outside = e.code; }
new OpenAI({ baseURL: process.env.MOCK_LLM_URL + '/v1', apiKey: 'k', maxRetries: 0 }).chat.completions
  .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'secret please' }] })
  .then((c) => console.log(JSON.stringify({ loadedAtStart, outside, text: c.choices[0].message.content })), (e) => console.log(JSON.stringify({ error: String(e) })));`,
    });
    t.equal(r.code, 0, r.stderr);
    t.same(r.json[0], { loadedAtStart: false, outside: 'ERR_PALISADE_DENIED', text: 'The key is [REDACTED:secret], keep it safe.' });
    t.notOk(JSON.stringify(r.audit).includes(TOKEN));
    t.notOk(
      r.audit.some((a) => a.capability === 'fs.read' && String(a.target).includes('detectors')),
      "reading Palisade's own detectors is not an app decision",
    );
  });
}
