import t from 'tap';
import { startMockLlm } from '../fixtures/mock-llm/index.mjs';
import { type ProtectedRun, runProtected } from '../helpers/protected.js';
import { POLICY, RULES, SCENARIO, TOKEN } from './scenario.js';

/**
 * Every SDK version, ESM and CommonJS copies side by side, in real apps
 * started with `node --import palisade/register` (and `--require`).
 */
const llm = await startMockLlm();
t.teardown(() => llm.close());
llm.script(RULES);

const ESM_APP = `
import { createRequire } from 'node:module';
import { openaiScenario, anthropicScenario } from './scenario.mjs';
import OpenAI from 'openai';
import OpenAI6 from 'openai6';
import OpenAI4 from 'openai4';
import Anthropic from '@anthropic-ai/sdk';
import Anthropic0 from 'anthropic0';
const require = createRequire(import.meta.url);
const base = process.env.MOCK_LLM_URL;
await openaiScenario('openai7 esm', OpenAI, base);
await openaiScenario('openai6 esm', OpenAI6, base);
await openaiScenario('openai4 esm', OpenAI4, base);
await anthropicScenario('anthropic1 esm', Anthropic, base);
await anthropicScenario('anthropic0 esm', Anthropic0, base);
// The CommonJS copies: other class objects, hooked separately.
const OpenAICjs = require('openai');
console.log(JSON.stringify({ twoCopies: OpenAICjs !== OpenAI && OpenAICjs.Chat.Completions !== OpenAI.Chat.Completions }));
await openaiScenario('openai7 cjs-from-esm', OpenAICjs, base);
await anthropicScenario('anthropic1 cjs-from-esm', require('@anthropic-ai/sdk').default, base);
`;

const CJS_APP = `
const { openaiScenario, anthropicScenario } = require('./scenario.cjs');
const base = process.env.MOCK_LLM_URL;
(async () => {
  await openaiScenario('openai7 cjs', require('openai'), base);
  await openaiScenario('openai6 cjs', require('openai6'), base);
  await openaiScenario('openai4 cjs', require('openai4'), base);
  await anthropicScenario('anthropic1 cjs', require('@anthropic-ai/sdk').default, base);
  await anthropicScenario('anthropic0 cjs', require('anthropic0').default, base);
  // An ESM import from a CommonJS app loads the ESM copy.
  const { default: OpenAIEsm } = await import('openai');
  await openaiScenario('openai7 esm-from-cjs', OpenAIEsm, base);
})().catch((e) => { console.error(e); process.exit(1); });
`;

// CommonJS flavour of the scenario module (same code, CommonJS exports).
const SCENARIO_CJS = SCENARIO.replace(/export async function (\w+)/g, 'exports.$1 = async function $1');

function check(t: Tap.Test, r: ProtectedRun, labels: string[]): void {
  t.equal(r.code, 0, r.stderr);
  const seen = r.json.filter((j) => typeof j.label === 'string');
  t.same(
    seen.map((j) => j.label),
    labels,
    'every scenario ran',
  );
  for (const j of seen) {
    t.equal(j.deniedModel, 'llm.model', `${j.label}: a model outside the allow list is refused`);
    t.equal(j.deniedModelSpelling, 'llm.model', `${j.label}: another spelling of a denied model is refused`);
    t.same(j.tools, ['get_weather'], `${j.label}: the denied tool call is removed`);
    t.same(j.streamTools, ['get_weather'], `${j.label}: also from a stream, arguments split across chunks`);
    t.equal(j.text, 'The key is [REDACTED:secret], keep it safe.', `${j.label}: output redacted`);
    t.notOk(String(j.streamText).includes('4Kx9'), `${j.label}: no part of the secret in the stream`);
    t.match(j.streamText, /^The key is (g|gh|ghp)?\[REDACTED:secret\], keep it safe\.$/, `${j.label}: stream text`);
    if (j.sdk === 'openai') {
      t.same(j.responseTools, ['get_weather'], `${j.label}: Responses API`);
      t.equal(j.embedding, 8, `${j.label}: embeddings work`);
      t.equal(j.status, 200);
    }
  }
  t.notOk(JSON.stringify(r.audit).includes(TOKEN), 'the audit log never holds the secret');
  const denied = r.audit.filter((a) => a.type === 'decision' && a.capability === 'tool.call' && a.action === 'deny');
  t.ok(denied.length >= labels.length, 'tool call denials are in the audit log');
  t.ok(r.audit.some((a) => a.type === 'detection' && a.detector === 'secrets' && a.source === 'llm.output'));
}

const RUN = { policy: POLICY, env: { MOCK_LLM_URL: llm.url }, timeoutMs: 60_000 };

t.test('ESM app (--import): every SDK version, and the CommonJS copy beside the ESM one', async (t) => {
  llm.requests.length = 0;
  const r = await runProtected({ ...RUN, script: ESM_APP, files: { 'scenario.mjs': SCENARIO } });
  check(t, r, ['openai7 esm', 'openai6 esm', 'openai4 esm', 'anthropic1 esm', 'anthropic0 esm', 'openai7 cjs-from-esm', 'anthropic1 cjs-from-esm']);
  t.same(r.json.find((j) => 'twoCopies' in j), { twoCopies: true });
  t.equal(llm.requests.filter((q) => /denied|mini/i.test(String(q.body.model))).length, 0, 'denied models never reached the server');
});

t.test('CommonJS app (--require): every SDK version, and an ESM import from it', async (t) => {
  llm.requests.length = 0;
  const r = await runProtected({ ...RUN, script: CJS_APP, scriptName: 'app.cjs', preload: 'require', files: { 'scenario.cjs': SCENARIO_CJS } });
  check(t, r, ['openai7 cjs', 'openai6 cjs', 'openai4 cjs', 'anthropic1 cjs', 'anthropic0 cjs', 'openai7 esm-from-cjs']);
  t.equal(llm.requests.filter((q) => /denied|mini/i.test(String(q.body.model))).length, 0);
});

t.test('CommonJS app (--import)', async (t) => {
  const r = await runProtected({ ...RUN, script: CJS_APP, scriptName: 'app.cjs', files: { 'scenario.cjs': SCENARIO_CJS } });
  check(t, r, ['openai7 cjs', 'openai6 cjs', 'openai4 cjs', 'anthropic1 cjs', 'anthropic0 cjs', 'openai7 esm-from-cjs']);
});

t.test('without the preload nothing is guarded (the test can fail)', async (t) => {
  const r = await runProtected({ ...RUN, preload: 'none', script: `import { openaiScenario } from './scenario.mjs';\nimport OpenAI from 'openai';\nawait openaiScenario('bare', OpenAI, process.env.MOCK_LLM_URL);`, files: { 'scenario.mjs': SCENARIO } });
  t.equal(r.code, 0, r.stderr);
  const j = r.json[0]!;
  t.equal(j.deniedModel, false);
  t.same(j.tools, ['get_weather', 'delete_all']);
  t.equal(j.text, `The key is ${TOKEN}, keep it safe.`);
});

t.test('palisade.init() from code hooks an SDK the app required before it', async (t) => {
  const r = await runProtected({
    preload: 'none',
    scriptName: 'app.cjs',
    script: `
const OpenAI = require('openai');
const { palisade } = require('palisade');
palisade.init({ policy: { version: 1, mode: 'enforce', allow: { 'llm.model': ['gpt-4o'] } } });
const c = new OpenAI({ baseURL: process.env.MOCK_LLM_URL + '/v1', apiKey: 'k', maxRetries: 0 });
c.chat.completions.create({ model: 'gpt-5', messages: [] }).then(
  () => console.log(JSON.stringify({ denied: false })),
  (e) => console.log(JSON.stringify({ denied: e.code })),
);`,
    env: { MOCK_LLM_URL: llm.url },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { denied: 'ERR_PALISADE_DENIED' });
});

t.test('a worker thread gets the hooks too, without loader warnings', async (t) => {
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', allow: { 'llm.model': ['gpt-4o'] } },
    script: `
import { Worker } from 'node:worker_threads';
const w = new Worker(\`
const { parentPort } = require('node:worker_threads');
import('openai').then(async ({ default: OpenAI }) => {
  const c = new OpenAI({ baseURL: process.env.MOCK_LLM_URL + '/v1', apiKey: 'k', maxRetries: 0 });
  const code = await c.chat.completions.create({ model: 'gpt-5', messages: [] }).then(() => 'allowed', (e) => e.code);
  parentPort.postMessage(code);
});
\`, { eval: true });
w.on('message', (m) => { console.log(JSON.stringify({ worker: m })); w.terminate(); });`,
    env: { MOCK_LLM_URL: llm.url },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { worker: 'ERR_PALISADE_DENIED' });
  t.notMatch(r.stderr, /import-in-the-middle|Warning/);
});
