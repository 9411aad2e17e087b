import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { RECOMMENDED_POLICY, parsePolicy, policyJsonSchema } from '../src/index.js';
import { schemaErrors } from './helpers/json-schema.js';

const schema = policyJsonSchema();
const contract = parsePolicy(readFileSync(new URL('./fixtures/contract.policy.jsonc', import.meta.url), 'utf8'), 'contract.json');
const SHIPPED = fileURLToPath(new URL('../../palisade/policy.schema.json', import.meta.url));

t.test('the generated JSON Schema is a titled draft 2020-12 schema of an object', async (t) => {
  t.equal(schema.title, 'Palisade policy');
  t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  t.equal(schema.type, 'object');
  t.equal(schema.additionalProperties, false);
  t.same(schema.required, ['version']);
});

t.test('it accepts the contract example and the recommended preset', async (t) => {
  t.same(schemaErrors(schema, contract), []);
  t.same(schemaErrors(schema, RECOMMENDED_POLICY), []);
  t.same(schemaErrors(schema, { $schema: './node_modules/palisade/policy.schema.json', version: 1 }), [], 'a $schema key for editors');
  t.same(
    schemaErrors(schema, {
      version: 1,
      allow: { 'process.spawn': [{ command: 'git', args: ['log', '**'] }] },
      detect: { pii: { action: 'alert', threshold: 0.5 } },
      flows: [{ when: ['a'], deny: { 'fs.write': true } }],
      spawn: { env: ['NODE_OPTIONS'], propagate: false },
      audit: false,
      telemetry: { spans: 'all', as: 'event', stacktrace: false, content: true },
    }),
    [],
  );
});

t.test('it rejects what the loader rejects, for editors to flag', async (t) => {
  const bad: unknown[] = [
    { version: 2 },
    { version: 1, alow: {} },
    { version: 1, mode: 'block' },
    { version: 1, allow: { 'fs.raed': [] } },
    { version: 1, allow: { 'fs.read': '/x' } },
    { version: 1, allow: { 'tool.call': [''] } },
    { version: 1, detect: { secrets: 'redcat' } },
    { version: 1, detect: { pii: { action: 'alert', threshold: 2 } } },
    { version: 1, flows: [{ when: [], deny: ['fs.read'] }] },
    { version: 1, flows: [{ when: ['ok'], deny: ['fs.raed'] }] },
    { version: 1, trust: { 'bad label': {} } },
    { version: 1, audit: true },
    { version: 1, telemetry: { spans: 'some' } },
    { version: 1, allow: { 'process.spawn': [{ command: 'git', arg: [] }] } },
  ];
  for (const b of bad) t.not(schemaErrors(schema, b).length, 0, JSON.stringify(b));
});

t.test('packages/palisade/policy.schema.json is the generated schema', { todo: existsSync(SHIPPED) ? false : 'the shipped file is not generated yet' }, async (t) => {
  t.ok(existsSync(SHIPPED), 'the file exists');
  if (existsSync(SHIPPED)) t.same(JSON.parse(readFileSync(SHIPPED, 'utf8')), schema);
});
