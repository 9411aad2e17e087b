import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// `new Function('s', 'return import(s)')` is how TypeScript-compiled CommonJS keeps a real dynamic import.
// Its specifier must resolve against the app's file, as without Palisade, not against Palisade's own
// directory (the constructor's guard is the function's caller). Regression test.
const ESM_PKG = {
  'node_modules/esm-only/package.json': JSON.stringify({ name: 'esm-only', type: 'module', exports: './index.js' }),
  'node_modules/esm-only/index.js': "export const value = 'from esm-only';",
  'lib/part.mjs': "export const part = 'relative part';",
};
const PROBE = `
const dynamicImport = new Function('specifier', 'return import(specifier)');
const asCall = Function('specifier', 'return import(specifier)');
const shape = [Function.prototype.toString.call(dynamicImport), dynamicImport.name, dynamicImport.length];
let breakout;
try { new Function('a', '}); globalThis.pwned = 1; (function(){ import("x")'); } catch (e) { breakout = e.name; }
Promise.all([dynamicImport('esm-only'), asCall('./lib/part.mjs')]).then(
  ([a, b]) => console.log(JSON.stringify({ value: a.value, part: b.part, shape, breakout, pwned: globalThis.pwned ?? null })),
  (e) => console.log(JSON.stringify({ failed: e.code })),
);`;
const EXPECTED = {
  value: 'from esm-only',
  part: 'relative part',
  shape: ['function anonymous(specifier\n) {\nreturn import(specifier)\n}', 'anonymous', 1],
  breakout: 'SyntaxError',
  pwned: null,
};

t.test('a dynamic import made with new Function resolves against the app, CommonJS and ES module apps alike', async (t) => {
  for (const [scriptName, preload] of [['app.cjs', 'import'], ['app.cjs', 'require'], ['app.mjs', 'import'], ['app.cjs', 'none']] as const) {
    const r = await runProtected({ policy: { version: 1, mode: 'enforce' }, scriptName, preload, files: ESM_PKG, script: PROBE });
    t.equal(r.code, 0, r.stderr);
    t.same(r.json[0], EXPECTED, `${scriptName} (${preload})`);
    t.notMatch(r.stderr, 'ExperimentalWarning', 'no warning of Palisade making');
  }
});

t.test('code.eval denied still refuses the constructor before anything is built', async (t) => {
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', allow: { 'code.eval': false } },
    scriptName: 'app.cjs',
    files: ESM_PKG,
    script: `try { new Function('s', 'return import(s)'); console.log(JSON.stringify({ built: true })); } catch (e) { console.log(JSON.stringify({ code: e.code })); }`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { code: 'ERR_PALISADE_DENIED' });
});
