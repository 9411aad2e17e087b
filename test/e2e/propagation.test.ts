import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// Under a restrictive fs policy, Palisade still hands the child its policy
// (its own I/O is not the app's), and the child runs protected.
t.test('child Node processes stay protected when the app may write only a narrow tree', async (t) => {
  const r = await runProtected({
    policy: {
      version: 1,
      allow: { 'fs.read': ['${cwd}/app.mjs', '${cwd}/public.txt'], 'fs.write': ['${cwd}/out/**'], 'process.spawn': ['node', process.execPath] },
      deny: { 'fs.read': ['**/.env'] },
    },
    files: { '.env': 'TOKEN=1', 'public.txt': 'hello' },
    script: `import { execFileSync } from 'node:child_process';
const out = execFileSync(process.execPath, ['-e', "try { require('fs').readFileSync('.env'); console.log('LEAK') } catch (e) { console.log(e.code) }"], { encoding: 'utf8' });
console.log(JSON.stringify({ child: out.trim() }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { child: 'ERR_PALISADE_DENIED' });
  t.notMatch(r.stderr, 'PALISADE_INTERNAL_ERROR', 'no internal error writing the child policy');
});
