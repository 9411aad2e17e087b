import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/protected.js';

// docs/policy.md documents every field: each property name in the shipped JSON Schema appears in it,
// in code or as a JSON key (`name`, "name", or a dotted path ending in it).
type Schema = { properties?: Record<string, Schema> } & Record<string, unknown>;

function fieldNames(node: unknown, path: string, out: Map<string, string>): void {
  if (!node || typeof node !== 'object') return;
  const s = node as Schema;
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    if (!out.has(name)) out.set(name, path ? `${path}.${name}` : name);
    fieldNames(child, path ? `${path}.${name}` : name, out);
  }
  for (const [k, v] of Object.entries(s)) if (k !== 'properties' && typeof v === 'object') fieldNames(v, path, out);
}

t.test('docs/policy.md names every field of the policy schema', async (t) => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/palisade/policy.schema.json'), 'utf8'));
  const doc = readFileSync(join(REPO_ROOT, 'docs/policy.md'), 'utf8');
  const fields = new Map<string, string>();
  fieldNames(schema, '', fields);
  t.ok(fields.size > 30, `the schema has its fields (${fields.size})`);
  for (const [name, where] of fields) {
    const named = doc.includes(`\`${name}\``) || doc.includes(`"${name}"`) || doc.includes(`.${name}\``) || doc.includes(`\`${name}.`);
    t.ok(named, `${where} is documented`);
  }
});
