import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// A worker runs under its parent's policy even when the policy file can no
// longer be found from where the worker starts (a relative PALISADE_POLICY
// after the parent changed directory).
t.test('a worker inherits the policy after the parent changes directory', async (t) => {
  const r = await runProtected({
    script: `import { Worker } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
mkdirSync('elsewhere', { recursive: true });
process.chdir('elsewhere');
const w = new Worker("const fs = require('fs'); try { fs.readFileSync(process.cwd() + '/../.env'); console.log(JSON.stringify({ read: true })); } catch (e) { console.log(JSON.stringify({ read: false, code: e.code })); }", { eval: true });
w.on('exit', (code) => console.log(JSON.stringify({ exit: code })));`,
    files: { 'conf/policy.json': JSON.stringify({ version: 1, deny: { 'fs.read': ['**/.env'] } }), '.env': 'TOKEN=1' },
    env: { PALISADE_POLICY: 'conf/policy.json' },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json, [{ read: false, code: 'ERR_PALISADE_DENIED' }, { exit: 0 }]);
});
