import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const core = fileURLToPath(new URL('../../dist/bundle.js', import.meta.url));

/** Whether compiling a policy with these fs.read patterns loads picomatch (in a fresh process). */
export function loaded(patterns: readonly string[]): boolean {
  const code = `import('${core}').then(({ compilePolicy }) => { compilePolicy({ version: 1, deny: { 'fs.read': ${JSON.stringify(patterns)} } }); console.log(Object.keys(require.cache).some((k) => /[\\\\/]picomatch[\\\\/]/.test(k))); });`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim() === 'true';
}
