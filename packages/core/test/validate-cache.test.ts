import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Each step is a fresh process with its own TMPDIR, importing the built core:
// whether zod was loaded shows whether the policy was validated again.
const CORE = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');

function validateIn(tmp: string, policy: unknown): { ok: boolean; zodLoaded: boolean; error?: string } {
  const script = `
    import { createRequire } from 'node:module';
    import { validatePolicy } from ${JSON.stringify(CORE)};
    let ok = true, error;
    try { validatePolicy(${JSON.stringify(policy)}); } catch (e) { ok = false; error = e.message; }
    const cache = createRequire(import.meta.url).cache;
    console.log(JSON.stringify({ ok, error, zodLoaded: Object.keys(cache).some((k) => k.includes('/zod/')) }));`;
  const env = { ...process.env, TMPDIR: tmp };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  return JSON.parse(r.stdout.trim());
}

t.test('a policy validated once is not validated again: later processes never load zod', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'pal-vc-'));
  const policy = { version: 1, deny: { 'fs.read': ['**/.env'] } };
  t.same(validateIn(tmp, policy), { ok: true, zodLoaded: true }, 'first time: validated with zod');
  t.same(validateIn(tmp, policy), { ok: true, zodLoaded: false }, 'second time: remembered');
  const other = validateIn(tmp, { ...policy, mode: 'monitor' });
  t.equal(other.zodLoaded, true, 'any change is validated afresh');
});

t.test('an invalid policy is never remembered, and stays invalid', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'pal-vc-'));
  const bad = { version: 1, allow: { 'net.connect': ['x:https'] } };
  for (let i = 0; i < 2; i++) {
    const r = validateIn(tmp, bad);
    t.equal(r.ok, false);
    t.match(r.error, 'port must be a number');
  }
});

t.test('a cache directory others can write to is not trusted', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'pal-vc-'));
  const uid = process.getuid?.() ?? -1;
  const dir = join(tmp, `palisade-${uid}`, 'validated');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const policy = { version: 1 };
  validateIn(tmp, policy);
  const again = validateIn(tmp, policy);
  t.equal(again.zodLoaded, true, 'validated again: the entry in a world-writable directory is ignored');
});

t.test('an entry counts only when its content is the policy: a name that matches is not enough', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'pal-vc-'));
  const uid = process.getuid?.() ?? -1;
  const dir = join(tmp, `palisade-${uid}`, 'validated');
  const policy = { version: 1, deny: { 'fs.read': ['**/.env'] } };
  t.equal(validateIn(tmp, policy).zodLoaded, true);
  const [entry] = readdirSync(dir);
  t.ok(entry, 'an entry was written');
  const file = join(dir, entry!);
  const content = readFileSync(file, 'utf8');
  t.ok(content.endsWith(JSON.stringify(policy)), 'it holds the policy it vouches for');
  // Same name and length, other content: what a hash collision would look like.
  writeFileSync(file, content.replace('.env', '.ENV'));
  t.equal(validateIn(tmp, policy).zodLoaded, true, 'validated again');
  t.equal(readFileSync(file, 'utf8'), content, 'and the entry is rewritten with the true content');
  t.equal(validateIn(tmp, policy).zodLoaded, false, 'then used');
});
