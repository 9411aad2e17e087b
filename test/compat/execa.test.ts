import t from 'tap';
import { compare } from './compat.js';

// execa: commands, Node children (which run with Palisade preloaded too), pipes, input, shells; failures:
// a missing command (ENOENT), a non-zero exit, a signal, a timeout, bad arguments.
await compare(t, 'execa', {
  timeoutMs: 40_000,
  files: { 'child.mjs': "process.stdout.write(String(1 + 1) + ' ' + process.argv.slice(2).join(','))" },
  body: String.raw`
  const { execa, execaSync, execaNode, $ } = await load('execa');
  const pick = (r) => ({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, failed: r.failed });
  await step('echo', async () => pick(await execa('echo', ['hello', 'world'])));
  await step('sync', () => pick(execaSync('printf', ['%s-%s', 'a', 'b'])));
  await step('input', async () => pick(await execa('cat', { input: 'piped in' })));
  await step('shell', async () => pick(await execa('echo one && echo two', { shell: true })));
  await step('node child', async () => pick(await execaNode('child.mjs', ['x', 'y'])));
  await step('node -p', async () => pick(await execa(process.execPath, ['-p', '6 * 7'])));
  await step('pipe', async () => pick(await execa('printf', ['b\\na\\n']).pipe('sort')));
  await step('template', async () => pick(await $${'`'}echo ${'${'}'templated'}${'`'}));
  await step('env and cwd', async () => pick(await execa('sh', ['-c', 'echo $X; pwd'], { env: { X: 'from-env' }, cwd: '/' })));
  // failures
  await step('missing command', () => execa('no-such-command-palisade', ['x']));
  await step('missing command, reject false', async () => { const r = await execa('no-such-command-palisade', { reject: false }); return { failed: r.failed, code: r.code ?? null, exitCode: r.exitCode ?? null }; });
  await step('exit 3', () => execa('sh', ['-c', 'echo out; echo err >&2; exit 3']));
  await step('killed', () => execa('sleep', ['5'], { timeout: 50 }));
  await step('bad argument type', () => execa(42));
  await step('bad option', () => execa('echo', { stdio: 'no-such-stdio' }));
  await step('sync failure', () => execaSync('sh', ['-c', 'exit 7']));
`,
});
