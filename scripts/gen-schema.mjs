#!/usr/bin/env node
// Writes packages/palisade/policy.schema.json from the zod schema (the single
// source of truth). Run by `npm run build`; `--check` fails when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from '../packages/core/dist/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const file = join(root, 'packages', 'palisade', 'policy.schema.json');
const text = `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('policy.schema.json is stale: run npm run build');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
}
