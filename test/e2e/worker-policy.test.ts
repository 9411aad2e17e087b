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

// Each thread caches real paths; a namespace change in one thread (a symlink re-pointed) must reach the
// other's cache at once, not after its one-second expiry: else a link checked while it pointed at an
// allowed file would still pass once it points at a denied one.
for (const changer of ['main', 'worker'] as const) {
  t.test(`a symlink re-pointed in the ${changer} thread is seen re-pointed by the other thread`, async (t) => {
    const swap = `fs.rmSync('data/link'); fs.symlinkSync(process.cwd() + '/secret/key', 'data/link');`;
    const read = `(() => { try { fs.readFileSync('data/link', 'utf8'); return 'read'; } catch (e) { return e.code; } })()`;
    const r = await runProtected({
      policy: { version: 1, mode: 'enforce', allow: { 'fs.read': ['${cwd}/data/**', '${cwd}/*.mjs'], 'fs.write': ['${cwd}/data/**'], 'code.worker': true }, deny: { 'fs.read': ['${cwd}/secret/**'] } },
      files: { 'data/public.txt': 'public', 'secret/key': 'TOKEN' },
      script: `import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
fs.symlinkSync(process.cwd() + '/data/public.txt', 'data/link');
const worker = new Worker(\`const fs = require('fs'); const { parentPort } = require('worker_threads');
parentPort.on('message', (m) => {
  if (m === 'read') parentPort.postMessage(${read});
  else { ${swap} parentPort.postMessage('swapped'); }
});\`, { eval: true });
const ask = (m) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(m); });
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
const out = { before: [${read}, await ask('read')] };
${changer === 'main' ? `${swap}` : `await ask('swap');`}
await pause();
out.after = [${read}, await ask('read')];
console.log(JSON.stringify(out));
await worker.terminate();`,
    });
    t.equal(r.code, 0, r.stderr);
    t.same(r.json[0], { before: ['read', 'read'], after: ['ERR_PALISADE_DENIED', 'ERR_PALISADE_DENIED'] }, 'both threads see the new target');
  });
}

t.test('a worker that starts Palisade itself, from a Worker taken before the sensors: still told of changes', async (t) => {
  // Library use: the app keeps worker_threads' own Worker from before palisade.init(), and the worker
  // starts Palisade on its own. The worker sensor never sees it; the worker's announcement must make
  // the main thread tell it of namespace changes all the same.
  const policy = { version: 1, mode: 'enforce', allow: { 'fs.read': ['${cwd}/data/**', '${cwd}/**/*.mjs', '${cwd}/node_modules/**'], 'fs.write': ['${cwd}/data/**'], 'code.worker': true }, deny: { 'fs.read': ['${cwd}/secret/**'] } };
  const read = `(() => { try { fs.readFileSync('data/link', 'utf8'); return 'read'; } catch (e) { return e.code; } })()`;
  const r = await runProtected({
    preload: 'none',
    files: { 'data/public.txt': 'public', 'secret/key': 'TOKEN', 'policy.json': JSON.stringify(policy) },
    script: `import fs from 'node:fs';
import { Worker as OwnWorker } from 'node:worker_threads';
const Worker = OwnWorker; // taken before the sensors are installed
const { palisade } = await import('palisade');
const policy = JSON.parse(fs.readFileSync('policy.json', 'utf8'));
palisade.init({ policy });
fs.symlinkSync(process.cwd() + '/data/public.txt', 'data/link');
const worker = new Worker(\`import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
const { palisade } = await import('palisade');
palisade.init({ policy: \${JSON.stringify(policy)} });
parentPort.on('message', () => parentPort.postMessage(${read}));
parentPort.postMessage('ready');\`, { eval: true });
const next = () => new Promise((resolve) => worker.once('message', resolve));
await next();
const ask = () => { const p = next(); worker.postMessage('read'); return p; };
const before = await ask();
fs.rmSync('data/link');
fs.symlinkSync(process.cwd() + '/secret/key', 'data/link');
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ before, after: await ask() }));
await worker.terminate();`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { before: 'read', after: 'ERR_PALISADE_DENIED' }, 'the worker sees the link re-pointed at once');
});
