/**
 * Bypass suite, what a child inherits: code-injecting environment variables,
 * child Node processes (which must run protected, with the same policy),
 * and options polluted through Object.prototype.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { cleanup, workDir } from '../helpers/protected.js';
import { ATTEMPT, SECRET, assertBlocked, exists, policy, run, step, which } from './child-process-helpers.js';

const EVIL_CJS = "require('fs').writeFileSync(require('path').join(process.cwd(), 'marker'), 'x');";

t.test('NODE_OPTIONS given to a child in its env option', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'evil.cjs': EVIL_CJS },
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt('node-options', () => execFileSync('node', ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--require ./evil.cjs' } }));`,
  });
  assertBlocked(t, r, 'node-options');
  t.match(step(r, 'node-options'), { rule: 'spawn.env' });
});

t.test('NODE_OPTIONS set in process.env at run time, inherited by a child', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'evil.cjs': EVIL_CJS },
    script: `import { execSync } from 'node:child_process';${ATTEMPT}
process.env.NODE_OPTIONS = '--require ./evil.cjs';
await attempt('process-env', () => execSync('node -e 0'));`,
  });
  assertBlocked(t, r, 'process-env');
});

t.test('NODE_OPTIONS exported inside shell text', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'evil.cjs': EVIL_CJS },
    script: `import { execSync } from 'node:child_process';${ATTEMPT}
await attempt('shell-export', () => execSync('export NODE_OPTIONS="--require ./evil.cjs"; node -e 0'));`,
  });
  assertBlocked(t, r, 'shell-export');
});

const cc = which('cc') ?? which('gcc');
t.test('LD_PRELOAD of a library whose constructor writes a file', { skip: cc ? false : 'no C compiler to build the library' }, async (t) => {
  const build = workDir('cp-ldpreload-');
  t.teardown(() => cleanup(build));
  const src = join(build, 'evil.c');
  const lib = join(build, 'evil.so');
  writeFileSync(src, '#include <stdio.h>\n__attribute__((constructor)) static void evil(void) { FILE *f = fopen("marker", "w"); if (f) fclose(f); }\n');
  execFileSync(cc!, ['-shared', '-fPIC', '-o', lib, src]);
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt('ld-preload', () => execFileSync('true', [], { env: { ...process.env, LD_PRELOAD: ${JSON.stringify(lib)} } }));`,
  });
  assertBlocked(t, r, 'ld-preload');
  t.match(step(r, 'ld-preload'), { rule: 'spawn.env' });
});

t.test('BASH_ENV makes a non-interactive bash run a file first', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'evil.sh': 'echo x > marker\n' },
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt('bash-env', () => execFileSync('bash', ['-c', 'true'], { env: { ...process.env, BASH_ENV: './evil.sh' } }));`,
  });
  assertBlocked(t, r, 'bash-env');
});

t.test('a child node process reading a denied file', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';
try { const out = execFileSync('node', ['-e', "process.stdout.write(require('fs').readFileSync('secret.txt', 'utf8'))"], { stdio: 'pipe' }); console.log(JSON.stringify({ step: 'child-read', ok: true, out: String(out) })); }
catch (e) { console.log(JSON.stringify({ step: 'child-read', ok: false, stderr: String(e.stderr) })); }`,
  });
  t.notMatch(r.stdout, SECRET, 'the secret never reached the parent');
  t.match(step(r, 'child-read'), { ok: false, stderr: /Palisade denied fs\.read \S*secret\.txt/ });
});

t.test("a child node process's own -r module reading a denied file: it runs after Palisade's preload", async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'early.cjs': "try { process.stdout.write(require('fs').readFileSync('secret.txt', 'utf8')); } catch (e) { process.stdout.write('EARLY:' + e.code); }" },
    script: `import { execFileSync } from 'node:child_process';
try { const out = execFileSync('node', ['-r', './early.cjs', '-e', '0'], { stdio: 'pipe' }); console.log(JSON.stringify({ step: 'child-r', ok: true, out: String(out) })); }
catch (e) { console.log(JSON.stringify({ step: 'child-r', ok: false, code: e.code, stderr: String(e.stderr) })); }`,
  });
  t.notMatch(r.stdout, SECRET, 'the secret never reached the parent');
  // Allowed to start (the -r module is no longer code outside Palisade), and its read is denied in the child.
  t.match(step(r, 'child-r'), { ok: true, out: 'EARLY:ERR_PALISADE_DENIED' });
  t.ok(r.audit.some((a) => a.type === 'decision' && a.action === 'deny' && a.capability === 'fs.read'), "the child's deny is in the parent's audit log");
});

t.test('a child node process told to relax its policy (PALISADE_MODE, PALISADE_POLICY, PALISADE_AUDIT)', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'lax.json': JSON.stringify({ version: 1, mode: 'monitor' }) },
    script: `import { execFileSync } from 'node:child_process';
const env = { ...process.env, PALISADE_MODE: 'monitor', PALISADE_POLICY: './lax.json', PALISADE_AUDIT: 'off' };
try { const out = execFileSync('node', ['-e', "process.stdout.write(require('fs').readFileSync('secret.txt', 'utf8'))"], { stdio: 'pipe', env }); console.log(JSON.stringify({ step: 'relaxed', ok: true, out: String(out) })); }
catch (e) { console.log(JSON.stringify({ step: 'relaxed', ok: false, stderr: String(e.stderr) })); }`,
  });
  t.notMatch(r.stdout, SECRET);
  t.match(step(r, 'relaxed'), { ok: false, stderr: /Palisade denied fs\.read/ });
  t.ok(r.audit.some((a) => a.type === 'decision' && a.action === 'deny' && a.capability === 'fs.read'), "the child's deny is in the parent's audit log");
});

t.test('a child node process started with its environment stripped (env -i)', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execSync } from 'node:child_process';${ATTEMPT}
await attempt('stripped', () => execSync(\`env -i \${JSON.stringify(process.execPath)} -e "require('fs').writeFileSync('marker', 'x')"\`));`,
  });
  assertBlocked(t, r, 'stripped', /^@dynamic /);
});

t.test('a child node process started with its environment stripped, without a shell', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt('stripped-direct', () => execFileSync('env', ['-i', process.execPath, '-e', "require('fs').writeFileSync('marker', 'x')"]));`,
  });
  assertBlocked(t, r, 'stripped-direct', /^@dynamic node /);
});

t.test('Object.prototype.shell = true does not smuggle a shell in', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync, spawnSync } from 'node:child_process';${ATTEMPT}
Object.prototype.shell = true;
await attempt('proto-shell', () => execFileSync('echo', ['ok; touch marker'], { encoding: 'utf8' }));
await attempt('proto-shell-spawn', () => spawnSync('echo', ['$HOME']).stdout);`,
  });
  t.notOk(exists(r, 'marker'), 'no shell ran the second command');
  t.match(step(r, 'proto-shell'), { ok: true, value: 'ok; touch marker\n' }, 'echo got the text as one argument, as Node does');
  t.match(step(r, 'proto-shell-spawn'), { ok: true, value: '$HOME\n' });
});

t.test('Object.prototype.NODE_OPTIONS reaches a child environment and is smuggling', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'evil.cjs': EVIL_CJS },
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
Object.prototype.NODE_OPTIONS = '--require ./evil.cjs';
await attempt('proto-env', () => execFileSync('node', ['-e', '0'], { env: { PATH: process.env.PATH } }));`,
  });
  assertBlocked(t, r, 'proto-env');
  t.match(step(r, 'proto-env'), { rule: 'spawn.env' });
});

t.test(
  'a child node process started in another working directory keeps the parent policy paths',
  async (t) => {
    const r = await run(t, {
      policy: policy({ allow: { 'process.spawn': ['node', process.execPath], 'fs.read': ['${cwd}/**'] }, deny: {} }),
      script: `import { execFileSync } from 'node:child_process';
try { const out = execFileSync('node', ['-e', "process.stdout.write(require('fs').readFileSync('/etc/passwd', 'utf8'))"], { cwd: '/', stdio: 'pipe' }); console.log(JSON.stringify({ step: 'cwd', ok: true, out: String(out).slice(0, 20) })); }
catch (e) { console.log(JSON.stringify({ step: 'cwd', ok: false, stderr: String(e.stderr) })); }`,
    });
    t.match(step(r, 'cwd'), { ok: false, stderr: /Palisade denied fs\.read \/etc\/passwd/ }, '${cwd} means the parent directory, not /');
  },
);
