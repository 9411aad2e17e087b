#!/usr/bin/env node
// One-step set-up for a fresh clone: make pnpm 12.4.2 available, install the
// workspace from the lockfile, and build every package. `npm test` and
// `npm run demo` both start here, so a machine with only Node and npm suffices.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const localPnpm = join(root, '.tools', 'node_modules', '.bin', 'pnpm');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function versionOf(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', cwd: root });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function findPnpm() {
  if (versionOf('pnpm') === PNPM_VERSION) return 'pnpm';
  if (existsSync(localPnpm) && versionOf(localPnpm) === PNPM_VERSION) return localPnpm;
  console.error(`bootstrap: installing pnpm ${PNPM_VERSION} into .tools/`);
  const status = run('npm', ['install', '--prefix', join(root, '.tools'), '--no-save', '--no-audit', '--no-fund', `pnpm@${PNPM_VERSION}`]);
  if (status !== 0 || versionOf(localPnpm) !== PNPM_VERSION) {
    throw new Error(`bootstrap: could not install pnpm ${PNPM_VERSION} (npm exited ${status})`);
  }
  return localPnpm;
}

function main() {
  const pnpm = findPnpm();
  const frozen = process.env.CI || existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  if (run(pnpm, ['install', ...frozen]) !== 0) process.exit(1);
  if (run(pnpm, ['run', 'build']) !== 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
