/**
 * Hostile arguments in a real process under `node --import palisade/register`
 * (the in-process property tests are packages/node/test/hostile-*.test.ts):
 * the argument tricks that got past the sensors before they were fixed, and
 * the ones that crash nothing but must fail exactly as Node fails. The
 * secret is never read or changed, `touch` never runs, the process never
 * crashes, and errors carry Node's own codes.
 */
import cpNode from 'node:child_process';
import fsNode, { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SECRET, output, prepare } from '../helpers/bypass.js';
import { runProtected } from '../helpers/protected.js';

const POLICY = {
  version: 1,
  mode: 'enforce',
  allow: { 'process.spawn': ['true', 'echo'] },
  deny: { 'fs.read': ['${cwd}/secret/**'], 'fs.write': ['${cwd}/secret/**'] },
  audit: { path: '${cwd}/palisade-audit.jsonl' },
};

t.test('argument tricks that once got through, and hostile values that must fail as in Node', async (t) => {
  const dir = prepare();
  symlinkSync(join(dir, 'secret'), join(dir, 'sub', 'to-secret'));
  const r = await runProtected(
    {
      policy: POLICY,
      script: `import fs from 'node:fs';
import cp from 'node:child_process';
const show = (how, f) => { try { const v = f(); console.log(JSON.stringify({ how, code: String(v ?? '').includes('TOPSECRET') ? 'LEAK' : 'ok' })); } catch (e) { console.log(JSON.stringify({ how, code: e.code ?? e.name })); } };
const secret = process.cwd() + '/secret/key';
const url = 'file://' + secret;
let n = 0;
show('href getter: nothing, then the secret', () => fs.readFileSync({ get href() { return n++ === 0 ? undefined : url; }, protocol: 'file:', hostname: '', pathname: secret }, 'utf8'));
show('function dressed as a file URL', () => fs.readFileSync(Object.assign(() => {}, { href: url, protocol: 'file:', hostname: '', pathname: secret }), 'utf8'));
let m = 0;
show('flag getter: r, then w (truncate)', () => fs.readFileSync(secret, { get flag() { return m++ === 0 ? 'r' : 'w'; } }));
show('mkdir -p through a link, 100 levels', () => fs.mkdirSync('sub/to-secret/' + Array.from({ length: 100 }, (_, i) => 'd' + i).join('/'), { recursive: true }));
let k = 0;
show('execFileSync argv0: invalid, then valid', () => cp.execFileSync('touch', ['secret/pwned'], { get argv0() { return k++ === 0 ? 5 : 'x'; } }));
let j = 0;
show('rm of a URL-like read twice', () => fs.rmSync({ get href() { return j++ === 0 ? 'file:///nonexistent' : url; }, protocol: 'file:', get path() { return j < 2 ? '/p' : undefined; }, hostname: '', pathname: secret }, { force: true }));
// Values Node itself rejects: the same codes as Node gives.
show('Symbol path', () => fs.readFileSync(Symbol('p')));
show('1 MB path', () => fs.readFileSync('/a'.repeat(1 << 19)));
show('NUL in path', () => fs.readFileSync('secret\\0/key'));
show('Proxy whose traps throw', () => fs.statSync(new Proxy({}, { get() { throw Object.assign(new Error('trap'), { code: 'ETRAP' }); } })));
show('spawn of a Symbol', () => cp.spawnSync(Symbol('x')));
show('argument with NUL', () => cp.execFileSync('echo', ['a\\0b']));
console.log(JSON.stringify({ done: true }));`,
    },
    dir,
  );
  t.equal(r.code, 0, `the app ran to its end (${r.stderr.slice(0, 300)})`);
  t.notMatch(output(r), SECRET, 'the secret never reached the app');
  t.equal(readFileSync(join(dir, 'secret', 'key'), 'utf8'), SECRET, 'the secret is unchanged (not truncated, not removed)');
  t.same(readdirSync(join(dir, 'secret')).sort(), ['data.json', 'key', 'mod.cjs'], 'nothing was created in the denied directory');
  t.notOk(existsSync(join(dir, 'secret', 'pwned')), 'touch never ran');
  const codes = Object.fromEntries(r.json.filter((l) => 'how' in l).map((l) => [l.how, l.code]));
  // What Node itself says for the values it rejects (this test process runs without Palisade).
  const node = (f: () => unknown): string => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return (e as { code?: string; name: string }).code ?? (e as Error).name;
    }
  };
  t.same(codes, {
    'href getter: nothing, then the secret': 'ERR_INVALID_ARG_TYPE',
    'function dressed as a file URL': 'ERR_PALISADE_DENIED',
    'flag getter: r, then w (truncate)': 'ERR_PALISADE_DENIED',
    'mkdir -p through a link, 100 levels': 'ERR_PALISADE_DENIED',
    'execFileSync argv0: invalid, then valid': 'ERR_INVALID_ARG_TYPE',
    'rm of a URL-like read twice': 'ERR_INVALID_ARG_TYPE',
    'Symbol path': node(() => fsNode.readFileSync(Symbol('p') as never)),
    '1 MB path': node(() => fsNode.readFileSync('/a'.repeat(1 << 19))),
    'NUL in path': node(() => fsNode.readFileSync('secret\0/key')),
    'Proxy whose traps throw': node(() => fsNode.statSync(new Proxy({}, { get() { throw Object.assign(new Error('trap'), { code: 'ETRAP' }); } }) as never)),
    'spawn of a Symbol': node(() => cpNode.spawnSync(Symbol('x') as never)),
    'argument with NUL': node(() => cpNode.execFileSync('echo', ['a\0b'])),
  });
  t.ok(r.json.some((l) => l.done === true));
});
