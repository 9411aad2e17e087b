/**
 * The startup warning when Palisade is not preloaded (point 6): an app that
 * starts Palisade from code after loading sensitive modules is told which,
 * and how to preload instead.
 */
import t from 'tap';
import { run } from './code-helpers.js';

const pkg = (name: string, body: string) => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', main: 'index.js' }),
  [`node_modules/${name}/index.js`]: body,
});
// Tiny stand-ins under the names the check looks for.
const FILES = {
  ...pkg('openai', `const { request } = require('https'); module.exports = { request };`),
  ...pkg('execa', `const { spawn } = require('child_process'); module.exports = { spawn };`),
};
const WARNING = /PALISADE_PRELOAD/;

t.test('ESM app: palisade.init() after importing an LLM client', async (t) => {
  const r = await run(t, {
    preload: 'none',
    files: FILES,
    script: `import OpenAI from 'openai';
import { palisade } from 'palisade';
palisade.init();
console.log('started');`,
  });
  t.match(r.stdout, /started/);
  t.match(r.stderr, WARNING);
  t.match(r.stderr, /started from code/);
  t.match(r.stderr, /openai/);
  t.match(r.stderr, /--import palisade\/register/);
});

t.test('CommonJS app: require("palisade").palisade.init() after requiring execa', async (t) => {
  const r = await run(t, {
    preload: 'none',
    files: FILES,
    scriptName: 'app.cjs',
    script: `require('execa');
const { palisade } = require('palisade');
palisade.init();
console.log('started');`,
  });
  t.match(r.stdout, /started/);
  t.match(r.stderr, WARNING);
  t.match(r.stderr, /execa/);
  t.notMatch(r.stderr, /openai/);
});

t.test('preloaded with --import: no warning', async (t) => {
  const r = await run(t, {
    files: FILES,
    script: `import OpenAI from 'openai';
import { palisade } from 'palisade';
palisade.init();
console.log('started');`,
  });
  t.match(r.stdout, /started/);
  t.notMatch(r.stderr, WARNING);
});

t.test('preloaded, but after --require of a sensitive module: warned', async (t) => {
  const r = await run(t, { files: FILES, nodeArgs: ['--require', 'openai'], script: `console.log('started');` });
  t.match(r.stdout, /started/);
  t.match(r.stderr, WARNING);
  t.match(r.stderr, /preloaded after other modules/);
  t.match(r.stderr, /openai/);
});
