import t from 'tap';
import fs from 'node:fs';
import { FD_ONLY } from '../src/sensors/fs/index.js';
import { FS_OPERATIONS } from '../src/sensors/fs/operations.js';

// Every function of fs and fs/promises on the running Node must be either
// wrapped or known to take no path, so a new Node API cannot slip through.
const SEPARATE = new Set(['cp', 'cpSync', 'createReadStream', 'createWriteStream', 'glob', 'globSync', 'watch']);

t.test('every fs function is covered', async (t) => {
  const covered = new Set<string>();
  for (const op of FS_OPERATIONS) {
    if (op.forms.includes('s')) covered.add(`${op.name}Sync`);
    if (/[crt]/.test(op.forms)) covered.add(op.name);
  }
  const missing = Object.keys(fs).filter(
    (k) => typeof (fs as unknown as Record<string, unknown>)[k] === 'function' && /^[a-z_]/.test(k) && !covered.has(k) && !FD_ONLY.has(k.replace(/Sync$/, '')) && !SEPARATE.has(k),
  );
  t.same(missing, [], `unwrapped fs functions on ${process.version}`);
});

t.test('every fs.promises function is covered', async (t) => {
  const covered = new Set(FS_OPERATIONS.filter((o) => o.forms.includes('p')).map((o) => o.name));
  const missing = Object.keys(fs.promises).filter(
    (k) => typeof (fs.promises as unknown as Record<string, unknown>)[k] === 'function' && !covered.has(k) && !SEPARATE.has(k),
  );
  t.same(missing, [], `unwrapped fs.promises functions on ${process.version}`);
});
