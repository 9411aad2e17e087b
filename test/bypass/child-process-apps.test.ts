/**
 * Bypass suite, kinds of app: the sensor covers an ES module app, a CommonJS
 * app (preloaded with --import or --require), and an ES module app whose
 * spawning happens in a CommonJS package. Each also runs an allowed command,
 * so a sensor that broke spawning would fail here too.
 */
import t from 'tap';
import { assertBlocked, policy, run, step } from './child-process-helpers.js';

const CJS_BODY = `const { execSync, execFileSync } = require('node:child_process');
const report = (step, fn) => { try { console.log(JSON.stringify({ step, ok: true, value: String(fn()) })); } catch (e) { console.log(JSON.stringify({ step, ok: false, code: e.code, target: e.target })); } };
report('allowed', () => execFileSync('echo', ['hello'], { encoding: 'utf8' }));
report('denied', () => execSync('touch marker'));`;

for (const preload of ['import', 'require'] as const) {
  t.test(`CommonJS app preloaded with --${preload}`, async (t) => {
    const r = await run(t, { policy: policy(), scriptName: 'app.cjs', preload, script: CJS_BODY });
    t.match(step(r, 'allowed'), { ok: true, value: 'hello\n' });
    assertBlocked(t, r, 'denied', /\/touch marker$/);
  });
}

t.test('ES module app (named and default imports)', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import cp, { execFileSync } from 'node:child_process';
const report = (step, fn) => { try { console.log(JSON.stringify({ step, ok: true, value: String(fn()) })); } catch (e) { console.log(JSON.stringify({ step, ok: false, code: e.code, target: e.target })); } };
report('allowed', () => execFileSync('echo', ['hello'], { encoding: 'utf8' }));
report('denied', () => cp.execSync('touch marker'));
report('denied-named', () => execFileSync('touch', ['marker']));`,
  });
  t.match(step(r, 'allowed'), { ok: true, value: 'hello\n' });
  assertBlocked(t, r, 'denied', /\/touch marker$/);
  assertBlocked(t, r, 'denied-named', /\/touch marker$/);
});

t.test('ES module app importing a CommonJS package that spawns', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: {
      'node_modules/spawner/package.json': JSON.stringify({ name: 'spawner', version: '1.0.0', main: 'index.js' }),
      'node_modules/spawner/index.js': `const cp = require('child_process');
exports.allowed = () => cp.execFileSync('echo', ['hello'], { encoding: 'utf8' });
exports.denied = () => cp.spawnSync('sh', ['-c', 'touch marker']).error;`,
    },
    script: `import { allowed, denied } from 'spawner';
console.log(JSON.stringify({ step: 'allowed', ok: true, value: allowed() }));
const err = denied();
console.log(JSON.stringify({ step: 'denied', ok: !err, code: err && err.code, target: err && err.target }));`,
  });
  t.match(step(r, 'allowed'), { ok: true, value: 'hello\n' });
  assertBlocked(t, r, 'denied', /\/touch marker$/);
});
