import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runProtected } from '../helpers/protected.js';

// The README's quick start, run exactly as written: the code blocks marked
// <!-- quickstart:FILE --> become files, and `node --import palisade/register app.mjs` runs them.
function quickstartFiles(): Record<string, string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const files: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- quickstart:(\S+) -->\s*```\w*\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  return files;
}

t.test('the README quick start works as written', async (t) => {
  const files = quickstartFiles();
  t.ok(files['palisade.policy.json'] && files['app.mjs'], 'both quick start blocks found');
  const { 'app.mjs': script, ...rest } = files;
  const r = await runProtected({ script: script!, files: { ...rest, '.env': 'TOKEN=1' } });
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines[0], 'results for refunds');
  t.equal(lines[1], `ERR_PALISADE_DENIED fs.read ${join(r.dir, '.env')}`);
  t.equal(lines[2], 'ERR_PALISADE_DENIED tool.call drop_tables');
});
