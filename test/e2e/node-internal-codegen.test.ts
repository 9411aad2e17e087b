import t from 'tap';
import { runProtected } from '../helpers/protected.js';

// Node evaluates the constant `this` in a vm context on its own (fetch
// releasing a stream reader, Node 20); under "code.eval": false that must not
// fail the app's fetch, while the app's own identical call stays denied.
t.test('"code.eval": false leaves Node\'s own internal evaluation alone, not the app\'s', async (t) => {
  const r = await runProtected({
    policy: { version: 1, allow: { 'code.eval': false } },
    script: `import http from 'node:http';
import vm from 'node:vm';
const s = http.createServer((q, r) => r.end('x'.repeat(100000))).listen(0, '127.0.0.1', async () => {
  const out = {};
  try {
    const res = await fetch('http://127.0.0.1:' + s.address().port + '/');
    const reader = res.body.getReader();
    let n = 0; for (;;) { const { done, value } = await reader.read(); if (done) break; n += value.length; }
    reader.releaseLock();
    out.fetched = n;
  } catch (e) { out.fetchError = e.cause?.code ?? e.code; }
  try { vm.runInNewContext('this'); out.app = 'allowed'; } catch (e) { out.app = e.code; }
  console.log(JSON.stringify(out));
  s.close();
});`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { fetched: 100000, app: 'ERR_PALISADE_DENIED' });
});
