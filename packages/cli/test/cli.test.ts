import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI as users run it: the `palisade` bin of the built package.
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../palisade/dist/bin.js');

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = { ...process.env, ...env };
  delete clean.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: clean, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'palisade-cli-'));
}

t.test('policy check: valid, invalid (one line per problem), and the preset', async (t) => {
  const d = dir();
  writeFileSync(join(d, 'good.json'), JSON.stringify({ version: 1, allow: { 'fs.read': ['${cwd}/**'] }, deny: { 'net.connect': ['@metadata'] } }));
  writeFileSync(join(d, 'bad.json'), JSON.stringify({ version: 1, mode: 'enforcing', alow: {} }));
  const good = cli(['policy', 'check', 'good.json'], d);
  t.equal(good.code, 0);
  t.match(good.out, 'good.json: valid (mode enforce; allow lists: fs.read; deny lists: net.connect');
  const bad = cli(['policy', 'check', 'bad.json'], d);
  t.equal(bad.code, 1);
  t.match(bad.err, 'mode: "enforcing": expected "enforce" | "monitor" | "learn"');
  t.match(bad.err, 'alow: unknown key "alow" (did you mean "allow"?)');
  const preset = cli(['policy', 'check'], d);
  t.equal(preset.code, 0);
  t.match(preset.out, 'recommended preset');
});

t.test('policy schema prints the JSON Schema shipped with the package', async (t) => {
  const d = dir();
  const r = cli(['policy', 'schema'], d);
  t.equal(r.code, 0);
  const shipped = JSON.parse(readFileSync(resolve(dirname(BIN), '../policy.schema.json'), 'utf8'));
  t.same(JSON.parse(r.out), shipped);
});

t.test('audit verify: ok, then a tampered line', async (t) => {
  const d = dir();
  const { AuditLog } = await import('@palisade/core');
  const log = new AuditLog(join(d, 'a.jsonl'));
  log.append({ type: 'decision', action: 'deny', target: '/x' }, true);
  log.append({ type: 'decision', action: 'deny', target: '/y' }, true);
  log.close();
  const ok = cli(['audit', 'verify', 'a.jsonl'], d);
  t.equal(ok.code, 0);
  t.match(ok.out, 'ok, 3 records in 1 chain');
  writeFileSync(join(d, 'a.jsonl'), readFileSync(join(d, 'a.jsonl'), 'utf8').replace('"/x"', '"/z"'));
  const bad = cli(['audit', 'verify', 'a.jsonl'], d);
  t.equal(bad.code, 1);
  t.match(bad.err, 'line 3: tampered');
});

t.test('run: the command runs with Palisade preloaded and the policy enforced', async (t) => {
  const d = dir();
  writeFileSync(join(d, '.env'), 'TOKEN=1');
  writeFileSync(join(d, 'p.json'), JSON.stringify({ version: 1, deny: { 'fs.read': ['**/.env'] } }));
  writeFileSync(join(d, 'app.mjs'), `import fs from 'node:fs'; try { fs.readFileSync('.env'); console.log('read'); } catch (e) { console.log(e.code); }`);
  const r = cli(['run', '--policy', 'p.json', '--', process.execPath, 'app.mjs'], d);
  t.equal(r.code, 0, r.err);
  t.equal(r.out.trim(), 'ERR_PALISADE_DENIED');
  const monitor = cli(['run', '--policy', 'p.json', '--mode', 'monitor', '--', process.execPath, 'app.mjs'], d);
  t.equal(monitor.out.trim(), 'read');
  t.equal(cli(['run', '--mode', 'sometimes', '--', 'true'], d).code, 2);
});

t.test('run: a policy denying code.eval also starts Node with --disallow-code-generation-from-strings', async (t) => {
  const d = dir();
  writeFileSync(join(d, 'p.json'), JSON.stringify({ version: 1, allow: { 'code.eval': false } }));
  writeFileSync(join(d, 'app.cjs'), `console.log(JSON.stringify({ flags: process.env.NODE_OPTIONS.includes('--disallow-code-generation-from-strings') }));`);
  const r = cli(['run', '--policy', 'p.json', '--', process.execPath, 'app.cjs'], d);
  t.equal(r.code, 0, r.err);
  t.same(JSON.parse(r.out.trim()), { flags: true });
});

t.test('unknown commands exit 2 with the usage', async (t) => {
  const r = cli(['frobnicate'], dir());
  t.equal(r.code, 2);
  t.match(r.err, 'usage: palisade');
});
