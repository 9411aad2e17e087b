/**
 * Bypass suite, which file runs: a bare name in the policy stands for that
 * program in a trusted directory (PATH at start-up), so a look-alike placed
 * earlier in PATH, given by a relative or absolute path, or linked under the
 * allowed name, is a different command. The fake `git` creates a marker.
 */
import t from 'tap';
import { ATTEMPT, assertBlocked, exists, policy, run, step } from './child-process-helpers.js';

const FAKE_GIT = { 'evil/git': '#!/bin/sh\necho x > marker\n' };
const SETUP = `import { chmodSync, symlinkSync } from 'node:fs'; import { execFileSync, execSync } from 'node:child_process';
chmodSync('evil/git', 0o755);
const evil = process.cwd() + '/evil';`;
const GIT = /\/evil\/git/;

t.test('control: the real git runs', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('real', () => execFileSync('git', ['--version'], { encoding: 'utf8' }));`,
  });
  t.match(step(r, 'real'), { ok: true, value: /^git version/ });
  t.notOk(exists(r, 'marker'));
});

t.test('a git placed first in the child PATH', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('shadow', () => execFileSync('git', ['status'], { env: { ...process.env, PATH: evil + ':' + process.env.PATH } }));`,
  });
  assertBlocked(t, r, 'shadow', GIT);
});

t.test('a git placed first in process.env.PATH at run time', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
process.env.PATH = evil + ':' + process.env.PATH;
await attempt('process-path', () => execSync('git status'));`,
  });
  assertBlocked(t, r, 'process-path', GIT);
});

t.test('PATH changed inside the shell text', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('shell-path', () => execSync('PATH=./evil:$PATH git status'));`,
  });
  assertBlocked(t, r, 'shell-path', GIT);
});

t.test('a relative path', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('relative', () => execFileSync('./evil/git'));`,
  });
  assertBlocked(t, r, 'relative', GIT);
});

t.test('an absolute path', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('absolute', () => execFileSync(evil + '/git'));`,
  });
  assertBlocked(t, r, 'absolute', GIT);
});

t.test('a relative path resolved against the cwd option', async (t) => {
  const r = await run(t, {
    policy: policy(),
    files: FAKE_GIT,
    script: `${SETUP}${ATTEMPT}
await attempt('cwd', () => execFileSync('./git', [], { cwd: evil }));`,
  });
  assertBlocked(t, r, 'cwd', GIT, 'evil/marker');
});

t.test('a symlink named like an allowed program', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `${ATTEMPT} import { symlinkSync, mkdirSync } from 'node:fs'; import { execFileSync } from 'node:child_process';
mkdirSync('bin'); symlinkSync(execFileSync('sh', ['-c', 'command -v touch'], { encoding: 'utf8' }).trim(), 'bin/git');
await attempt('symlink', () => execFileSync('git', ['marker'], { env: { ...process.env, PATH: process.cwd() + '/bin:' + process.env.PATH } }));`,
  });
  assertBlocked(t, r, 'symlink', /\/bin\/git marker$/);
});
