/**
 * Reaching the unchecked function behind a sensor's wrapper: a property on
 * the wrapper (a registry symbol, say) would hand it to any code.
 */
import t from 'tap';
import { SECRET, exists, policy, run, step } from './code-helpers.js';

t.test('no wrapper exposes the original it wraps', async (t) => {
  const r = await run(t, {
    policy: policy({ allow: { 'code.eval': false, 'code.worker': false, 'code.native': false }, deny: { 'fs.read': ['**/secret.txt'] } }),
    files: { 'secret.txt': SECRET },
    script: `import vm from 'node:vm'; import fs from 'node:fs'; import inspector from 'node:inspector'; import { Worker } from 'node:worker_threads';
      const wrapped = { 'vm.Script': vm.Script, 'vm.runInNewContext': vm.runInNewContext, 'process.binding': process.binding,
        'process.dlopen': process.dlopen, Worker, 'Session.connect': inspector.Session.prototype.connect, 'fs.readFileSync': fs.readFileSync };
      const exposed = [];
      for (const [name, fn] of Object.entries(wrapped)) {
        for (const key of [...Object.getOwnPropertySymbols(fn), Symbol.for('palisade.original')]) {
          const v = fn[key];
          if (typeof v === 'function' && v !== fn) exposed.push(name + ' ' + String(key));
        }
      }
      console.log(JSON.stringify({ step: 'exposed', value: exposed }));
      const K = Symbol.for('palisade.original');
      try { fs.readFileSync[K]('secret.txt', 'utf8'); fs.writeFileSync('marker', 'x'); } catch {}
      try { new vm.Script[K]("process.getBuiltinModule('fs').writeFileSync('marker', 'x')").runInThisContext(); } catch {}`,
  });
  t.same(step(r, 'exposed')?.value, []);
  t.notOk(exists(r, 'marker'));
  t.notOk(r.stdout.includes(SECRET));
});
