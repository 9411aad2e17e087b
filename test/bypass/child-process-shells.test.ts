/**
 * Bypass suite, shells and wrappers: a denied command hidden inside shell
 * text, behind a wrapper program, or in text Palisade cannot read. Shells and
 * wrappers are allowed by the policy; `touch` is not, and `@dynamic` (opaque
 * shell text) is not either.
 */
import t, { type Test } from 'tap';
import { ATTEMPT, assertBlocked, exists, policy, run, which } from './child-process-helpers.js';

const TOUCH = /\/touch marker$/;
const DYNAMIC = /^@dynamic /;

/** One technique: execFileSync(argv) in a protected app, then the common assertions. */
async function technique(t: Test, name: string, argv: readonly string[], target: RegExp, options = ''): Promise<void> {
  const r = await run(t, {
    policy: policy(),
    script: `import { execFileSync } from 'node:child_process';${ATTEMPT}
await attempt(${JSON.stringify(name)}, () => execFileSync(${JSON.stringify(argv[0])}, ${JSON.stringify(argv.slice(1))}, { stdio: 'pipe'${options} }));`,
  });
  assertBlocked(t, r, name, target);
}

t.test('sh -c', (t) => technique(t, 'sh-c', ['sh', '-c', 'touch marker'], TOUCH));
t.test('bash -c', (t) => technique(t, 'bash-c', ['bash', '-c', 'touch marker'], TOUCH));
t.test('/bin/sh -c by absolute path', (t) => technique(t, 'bin-sh', ['/bin/sh', '-c', 'touch marker'], TOUCH));
t.test('dash -c with options before -c', (t) => technique(t, 'dash', ['dash', '-e', '-c', 'touch marker'], TOUCH));

t.test('zsh -c', { skip: which('zsh') ? false : 'zsh is not installed' }, (t) => technique(t, 'zsh', ['zsh', '-c', 'touch marker'], TOUCH));
t.test('busybox sh -c', { skip: which('busybox') ? false : 'busybox is not installed' }, (t) => technique(t, 'busybox-sh', ['busybox', 'sh', '-c', 'touch marker'], TOUCH));
t.test('busybox applet', { skip: which('busybox') ? false : 'busybox is not installed' }, (t) => technique(t, 'busybox-applet', ['busybox', 'touch', 'marker'], /\/touch marker$/));

t.test('busybox choosing its applet from argv0', { skip: which('busybox') ? false : 'busybox is not installed' }, async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { spawnSync } from 'node:child_process';${ATTEMPT}
await attempt('argv0', () => { const x = spawnSync('busybox', ['marker'], { argv0: 'touch' }); if (x.error) throw x.error; });`,
  });
  assertBlocked(t, r, 'argv0', /\/touch marker$/);
});
t.test('env sh -c', (t) => technique(t, 'env-sh', ['env', 'sh', '-c', 'touch marker'], TOUCH));
t.test('env -i with a PATH of its own', (t) => technique(t, 'env-i', ['env', '-i', 'PATH=/usr/bin:/bin', 'touch', 'marker'], TOUCH));
t.test('nohup', (t) => technique(t, 'nohup', ['nohup', 'touch', 'marker'], TOUCH));
t.test('timeout', (t) => technique(t, 'timeout', ['timeout', '-s', 'KILL', '5', 'touch', 'marker'], TOUCH));
t.test('xargs with arguments from stdin', (t) => technique(t, 'xargs', ['xargs', 'touch'], /\/touch "<stdin>"$/, ", input: 'marker'"));
t.test('find -exec', (t) => technique(t, 'find-exec', ['find', '.', '-maxdepth', '0', '-exec', 'touch', 'marker', ';'], TOUCH));

t.test('a pipeline hides the command in its second stage', (t) => technique(t, 'pipeline', ['sh', '-c', 'echo x | touch marker'], TOUCH));
t.test('a ; and && list', (t) => technique(t, 'list', ['sh', '-c', 'echo ok; true && touch marker'], TOUCH));
t.test('command substitution $(…)', (t) => technique(t, 'subst', ['sh', '-c', 'echo $(touch marker)'], TOUCH));
t.test('backticks', (t) => technique(t, 'backticks', ['sh', '-c', 'echo `touch marker`'], TOUCH));
t.test('eval of literal text', (t) => technique(t, 'eval', ['sh', '-c', 'eval "touch marker"'], TOUCH));
t.test('a shell function', (t) => technique(t, 'function', ['sh', '-c', 'f() { touch marker; }; f'], TOUCH));
t.test('a shell inside a shell', (t) => technique(t, 'nested', ['sh', '-c', `bash -c "sh -c 'touch marker'"`], TOUCH));

t.test('the command name computed at run time is opaque', (t) => technique(t, 'computed', ['sh', '-c', '$(echo touch) marker'], DYNAMIC));
t.test('a variable in command position is opaque', (t) => technique(t, 'variable', ['sh', '-c', 'T=touch; $T marker'], DYNAMIC));
t.test('eval of a variable is opaque', (t) => technique(t, 'eval-var', ['sh', '-c', 'C="touch marker"; eval "$C"'], DYNAMIC));
t.test('bash brace expansion builds the name', (t) => technique(t, 'brace', ['bash', '-c', '{tou,}ch marker'], DYNAMIC));
t.test('a here-document fed to a shell', (t) => technique(t, 'heredoc', ['sh', '-c', 'sh <<EOF\ntouch marker\nEOF'], DYNAMIC));
t.test('python -c', { skip: which('python3') ? false : 'python3 is not installed' }, (t) =>
  technique(t, 'python', ['python3', '-c', "open('marker', 'w')"], /^@dynamic python /),
);
t.test('git running a command from its own configuration', (t) => technique(t, 'git-alias', ['git', '-c', 'alias.x=!touch marker', 'x'], /^@dynamic git /));

t.test('node -e in a child runs under the same policy', async (t) => {
  const r = await run(t, {
    policy: policy(),
    script: `import { execSync } from 'node:child_process';
try { execSync(\`node -e "require('child_process').execSync('touch marker')"\`, { stdio: 'pipe' }); console.log(JSON.stringify({ step: 'node-e', ok: true })); }
catch (e) { console.log(JSON.stringify({ step: 'node-e', ok: false, stderr: String(e.stderr) })); }`,
  });
  t.notOk(exists(r, 'marker'));
  t.match(r.json[0], { step: 'node-e', ok: false, stderr: /Palisade denied process\.spawn \S*\/touch marker/ }, 'denied inside the child');
});
