import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// require() of an ES module (Node >= 20.19) opens module files from Node's
// loader code; a restrictive fs.read allow list must not break it, and an
// explicit deny must still stop it.
t.test('require() of an ES module under a restrictive fs.read allow list', async (t) => {
  const r = await runProtected({
    policy: { version: 1, allow: { 'fs.read': ['${cwd}/data/**'] }, deny: { 'fs.read': ['**/secret-esm/**'] } },
    scriptName: 'app.cjs',
    files: {
      'node_modules/esm-pkg/package.json': JSON.stringify({ name: 'esm-pkg', type: 'module', exports: './index.js' }),
      'node_modules/esm-pkg/index.js': "import { part } from './part.js'; export const value = 'esm ' + part;",
      'node_modules/esm-pkg/part.js': "export const part = 'loaded';",
      'node_modules/secret-esm/package.json': JSON.stringify({ name: 'secret-esm', type: 'module', exports: './index.js' }),
      'node_modules/secret-esm/index.js': "export const value = 'SECRET';",
    },
    script: `const out = {};
try { out.pkg = require('esm-pkg').value; } catch (e) { out.pkg = e.code; }
try { out.denied = require('secret-esm').value; } catch (e) { out.denied = e.code; }
console.log(JSON.stringify(out));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { pkg: 'esm loaded', denied: 'ERR_PALISADE_DENIED' });
});
