/**
 * Bypass suite, child_process entry points: every public function, with and
 * without a shell, and the ways of reaching the module. The policy allows
 * shells and common programs but not `touch`; each technique tries to create
 * a marker file with it. Real child processes under `node --import palisade/register`.
 */
import t from 'tap';
import { ATTEMPT, assertBlocked, exists, policy, run, step } from './child-process-helpers.js';

const TOUCH = /\/touch marker$/;

t.test('exec runs its command through /bin/sh: the command inside is checked', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { exec } from 'node:child_process';${ATTEMPT}
await attempt('exec', () => new Promise((res, rej) => exec('touch marker', (e) => (e ? rej(e) : res()))));`,
  });
  assertBlocked(t, r, 'exec', TOUCH);
});

t.test('execFile runs the program directly', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFile } from 'node:child_process';${ATTEMPT}
await attempt('execFile', () => new Promise((res, rej) => execFile('touch', ['marker'], (e) => (e ? rej(e) : res()))));`,
  });
  assertBlocked(t, r, 'execFile', TOUCH);
});

t.test('execFile with shell: true', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFile } from 'node:child_process';${ATTEMPT}
await attempt('execFile-shell', () => new Promise((res, rej) => execFile('echo', ['ok;', 'touch', 'marker'], { shell: true }, (e) => (e ? rej(e) : res()))));`,
  });
  assertBlocked(t, r, 'execFile-shell', TOUCH);
});

t.test('spawn with shell: true', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { spawn } from 'node:child_process';${ATTEMPT}
await attempt('spawn-shell', () => settled(spawn('echo ok && touch marker', { shell: true })));`,
  });
  assertBlocked(t, r, 'spawn-shell', TOUCH);
});

t.test("spawn with shell: '/bin/bash'", async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { spawn } from 'node:child_process';${ATTEMPT}
await attempt('spawn-bash', () => settled(spawn('touch', ['marker'], { shell: '/bin/bash' })));`,
  });
  assertBlocked(t, r, 'spawn-bash', TOUCH);
});

t.test('spawnSync reports the denial in result.error', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { spawnSync } from 'node:child_process';${ATTEMPT}
await attempt('spawnSync', () => { const x = spawnSync('touch', ['marker']); if (x.error) throw x.error; });`,
  });
  assertBlocked(t, r, 'spawnSync', TOUCH);
});

t.test('execSync', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execSync } from 'node:child_process';${ATTEMPT}
await attempt('execSync', () => execSync('touch marker'));`,
  });
  assertBlocked(t, r, 'execSync', TOUCH);
});

t.test('execFileSync', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt('execFileSync', () => execFileSync('touch', ['marker']));`,
  });
  assertBlocked(t, r, 'execFileSync', TOUCH);
});

t.test('fork of node when node is not allowed', async (t) => {
  const r = await run(t, {
    policy: policy({}, ['sh', 'echo']),
    files: { 'child.cjs': "require('fs').writeFileSync('marker', 'x');" },
    script: `import { fork } from 'node:child_process';${ATTEMPT}
await attempt('fork', () => settled(fork('./child.cjs')));`,
  });
  assertBlocked(t, r, 'fork', /node.* \.\/child\.cjs$/);
});

t.test('a forked child runs under the same policy', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: { 'child.cjs': "try { require('child_process').execSync('touch marker'); } catch (e) { console.log(JSON.stringify({ step: 'in-child', ok: false, code: e.code })); }" },
    script: `import { fork } from 'node:child_process';${ATTEMPT}
await attempt('fork-allowed', () => settled(fork('./child.cjs')));`,
  });
  t.notOk(exists(r, 'marker'));
  t.match(step(r, 'fork-allowed'), { ok: true });
  t.match(step(r, 'in-child'), { ok: false, code: 'ERR_PALISADE_DENIED' }, 'the child was protected');
});

t.test('new ChildProcess().spawn() reaches the internal spawn directly', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { ChildProcess } from 'node:child_process';${ATTEMPT}
await attempt('proto', () => { const c = new ChildProcess(); c.spawn({ file: 'touch', args: ['touch', 'marker'], stdio: 'ignore' }); return settled(c); });`,
  });
  assertBlocked(t, r, 'proto', TOUCH);
});

t.test('util.promisify(exec) uses its own promise function', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { exec } from 'node:child_process'; import { promisify } from 'node:util';${ATTEMPT}
await attempt('promisify', () => promisify(exec)('touch marker'));`,
  });
  assertBlocked(t, r, 'promisify', TOUCH);
});

t.test('process.getBuiltinModule and createRequire reach the same wrapped module', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { createRequire } from 'node:module';${ATTEMPT}
const cp1 = process.getBuiltinModule ? process.getBuiltinModule('node:child_process') : createRequire(import.meta.url)('child_process');
const cp2 = createRequire(import.meta.url)('child_process');
await attempt('builtin', () => cp1.execFileSync('touch', ['marker']));
await attempt('createRequire', () => cp2.execFileSync('touch', ['marker']));`,
  });
  assertBlocked(t, r, 'builtin', TOUCH);
  assertBlocked(t, r, 'createRequire', TOUCH);
});

t.test('process.execve replaces the process with another program', { skip: typeof (process as { execve?: unknown }).execve === 'function' ? false : `process.execve is not in Node ${process.version}` }, async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
const touch = execFileSync('sh', ['-c', 'command -v touch'], { encoding: 'utf8' }).trim();
await attempt('execve', () => process.execve(touch, ['touch', 'marker']));`,
  });
  assertBlocked(t, r, 'execve', TOUCH);
});

t.test('functions captured before Palisade loaded (a package required first)', async (t) => {
  // `--require` modules run before an `--import` preload: this package holds the unwrapped functions.
  const r = await run(t, {
    policy: policy(),
    nodeArgs: ['--require', 'execa'],
    files: {
      'node_modules/execa/package.json': JSON.stringify({ name: 'execa', version: '0.0.0', main: 'index.js' }),
      'node_modules/execa/index.js': "const { spawn, exec, execFileSync } = require('child_process'); globalThis.early = { spawn, exec, execFileSync };",
    },
    script: `${ATTEMPT}
await attempt('early-spawn', () => settled(globalThis.early.spawn('touch', ['marker'])));
await attempt('early-exec', () => new Promise((res, rej) => globalThis.early.exec('touch marker2', (e) => (e ? rej(e) : res()))));`,
  });
  // Every asynchronous spawn ends in ChildProcess#spawn, which is wrapped on the prototype.
  assertBlocked(t, r, 'early-spawn', TOUCH);
  assertBlocked(t, r, 'early-exec', /\/touch marker2$/, 'marker2');
  // Synchronous spawns go straight to Node's internal binding: the backstop is the start-up warning.
  t.match(r.stderr, /PALISADE_PRELOAD[^\n]*execa/, 'the warning names the package loaded before Palisade');
});
