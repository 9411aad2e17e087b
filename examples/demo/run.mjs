#!/usr/bin/env node
// `npm run demo`: runs agent.mjs under `node --import palisade/register` with
// this directory's policy, then prints what was allowed and what was blocked,
// and verifies the audit log's hash chain.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from 'palisade';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = join(here, 'workspace');
rmSync(workspace, { recursive: true, force: true });
mkdirSync(workspace, { recursive: true });
mkdirSync(join(here, 'docs'), { recursive: true });
mkdirSync(join(here, 'secrets'), { recursive: true });
writeFileSync(join(here, 'docs', 'faq.md'), '# FAQ\nRefunds are possible within 30 days of purchase.\n');
writeFileSync(join(here, '.env'), 'OPENAI_API_KEY=sk-demo-not-a-real-key\n');
writeFileSync(join(here, 'secrets', 'api-key.txt'), 'demo-secret\n');

const color = process.stdout.isTTY ? (c, s) => `\x1b[${c}m${s}\x1b[0m` : (_c, s) => s;
console.log(color('1', '\nPalisade demo: node --import palisade/register agent.mjs\n'));
const r = spawnSync(process.execPath, ['--import', 'palisade/register', 'agent.mjs'], { cwd: here, encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.stdout, r.stderr);
  process.exit(r.status ?? 1);
}
let blocked = 0;
for (const line of r.stdout.split('\n').filter(Boolean)) {
  const { what, outcome, detail } = JSON.parse(line);
  if (outcome === 'BLOCKED') blocked++;
  const tag = outcome === 'BLOCKED' ? color('31;1', 'BLOCKED') : outcome === 'allowed' ? color('32', 'allowed') : color('33', outcome);
  console.log(`  ${tag.padEnd(process.stdout.isTTY ? 18 : 8)} ${what}\n           ${color('2', String(detail))}`);
}
const audit = verifyAuditLog(join(workspace, 'palisade-audit.jsonl'));
console.log(`\n${blocked} operations blocked. Audit log: ${audit.records} records, hash chain ${audit.ok ? 'verified' : `BROKEN: ${audit.problem?.message}`}.`);
console.log(color('2', `(${join('examples', 'demo', 'workspace', 'palisade-audit.jsonl')})\n`));
process.exit(blocked > 0 && audit.ok ? 0 : 1);
