/**
 * Shared set-up for bypass tests: a protected working directory with a secret
 * the policy denies, a public file it allows, and an output directory that is
 * the only writable place. Each attempt is a real `node --import palisade/register`
 * process; tests assert the effect (the secret never printed, the file not
 * written), not only the error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProtectedRun, type RunOptions, runProtected, workDir } from './protected.js';

export const SECRET = 'TOPSECRET-4f2a9c';
export const PUBLIC = 'public-content';

export const FS_POLICY = {
  version: 1,
  mode: 'enforce',
  allow: {
    'fs.read': ['${cwd}/**', '/proc/**', '/dev/**'],
    'fs.write': ['${cwd}/out/**'],
  },
  deny: {
    'fs.read': ['${cwd}/secret/**', '**/.env'],
  },
  audit: { path: '${cwd}/palisade-audit.jsonl' },
};

export interface Prepared {
  readonly dir: string;
}

/** A work dir with secret/key, .env, public.txt, sub/, out/ and data/ (holding a .env). */
export function prepare(): string {
  const dir = workDir('bypass-');
  mkdirSync(join(dir, 'secret'));
  mkdirSync(join(dir, 'out'));
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'secret', 'key'), SECRET);
  writeFileSync(join(dir, 'secret', 'data.json'), JSON.stringify({ secret: SECRET }));
  writeFileSync(join(dir, 'secret', 'mod.cjs'), `module.exports = ${JSON.stringify(SECRET)};`);
  writeFileSync(join(dir, '.env'), `TOKEN=${SECRET}`);
  writeFileSync(join(dir, 'public.txt'), PUBLIC);
  writeFileSync(join(dir, 'data', 'notes.txt'), 'notes');
  writeFileSync(join(dir, 'data', '.env'), `TOKEN=${SECRET}`);
  return dir;
}

export async function attempt(script: string, opts: Partial<RunOptions> & { dir?: string } = {}): Promise<ProtectedRun> {
  const dir = opts.dir ?? prepare();
  return runProtected({ policy: FS_POLICY, ...opts, script }, dir);
}

/** The whole output of a run, for "the secret never appeared" checks. */
export function output(r: ProtectedRun): string {
  return r.stdout + r.stderr;
}
