import { readFileSync } from 'node:fs';
import t from 'tap';
import { CAPABILITIES, DETECTORS, PalisadePolicyError, RECOMMENDED_POLICY, parsePolicy, policySchema, validatePolicy } from '../src/index.js';
import { problemsOf } from './helpers/index.js';

const contractText = readFileSync(new URL('./fixtures/contract.policy.jsonc', import.meta.url), 'utf8');

t.test('the contract example from the design (JSONC, with comments) is accepted as written', async (t) => {
  const policy = parsePolicy(contractText, 'palisade.policy.json');
  t.equal(policy.version, 1);
  t.equal(policy.mode, 'enforce');
  t.same(policy.allow?.['process.spawn'], ['git', '/usr/bin/ls']);
  t.equal(policy.allow?.['code.eval'], false);
  t.same(policy.deny?.['net.connect'], ['@metadata', '@private']);
  t.same(policy.flows?.[1], { when: ['untrusted', 'sensitive'], deny: ['net.connect'] });
  t.same(policy.scopes?.[0], { match: { tool: 'web_fetch' }, allow: { 'net.connect': ['*:443'] } });
  t.same(policy.audit, { path: './palisade-audit.jsonl' });
  t.same(policy.telemetry, { spans: 'decisions' });
});

t.test('every field of the contract is accepted and kept as given', async (t) => {
  const full = {
    $schema: 'https://example.com/policy.schema.json',
    version: 1,
    mode: 'learn',
    allow: {
      'fs.read': ['${cwd}/**', '${tmp}/**', '~/notes/*.md', 'src/**'],
      'fs.write': ['${tmp}/agent/**'],
      'process.spawn': ['git', '/usr/bin/ls', 'git log **', { command: 'git', args: ['commit', '-m', '*'] }],
      'net.connect': ['api.openai.com:443', '127.0.0.1:*', '*.example.com:8000-8100', '[::1]:443', '10.0.0.0/8', '/run/*.sock'],
      'net.listen': ['127.0.0.1:*'],
      'code.eval': false,
      'code.worker': true,
      'code.native': ['binding:fs', '${cwd}/node_modules/**/*.node'],
      'llm.model': ['gpt-4o*', 'claude-*', 'org/model*'],
      'tool.call': ['search', 'read_file'],
    },
    deny: { 'fs.read': ['**/.env', '${home}/.ssh/**'], 'net.connect': ['@metadata', '@private', '@loopback', '@link-local'], 'code.eval': true },
    detect: {
      'prompt-injection': 'block',
      secrets: 'redact',
      pii: { action: 'alert', threshold: 0.8 },
      canary: 'block',
      'exfil-url': { action: 'redact' },
      'dangerous-code': 'off',
    },
    trust: { untrusted: { 'tool.call': ['web_*'], 'net.connect': ['*:443'] }, sensitive: { 'fs.read': ['${home}/**'] } },
    flows: [
      { name: 'no-spawn', when: ['untrusted'], deny: ['process.spawn', 'fs.write'] },
      { when: ['untrusted', 'sensitive'], deny: { 'net.connect': ['*:*'], 'fs.write': true } },
    ],
    scopes: [
      { name: 'fetcher', match: { tool: 'web_fetch' }, allow: { 'net.connect': ['*:443'] } },
      { match: { agent: ['support-*', 'billing'], user: 'u-*' }, deny: { 'fs.write': true } },
      { match: { tenant: 'acme' }, allow: { 'llm.model': ['gpt-4o-mini'] }, deny: { 'tool.call': ['shell'] } },
    ],
    spawn: { env: ['NODE_OPTIONS', 'DYLD_*'], propagate: false },
    audit: { path: '${cwd}/audit.jsonl', fsync: true },
    telemetry: { spans: 'all', as: 'event', stacktrace: false, content: true },
  };
  t.same(validatePolicy(full), full);
  for (const mode of ['enforce', 'monitor', 'learn']) t.equal(validatePolicy({ version: 1, mode }).mode, mode);
  for (const spans of ['off', 'decisions', 'all']) t.same(validatePolicy({ version: 1, telemetry: { spans } }).telemetry, { spans });
  t.same(validatePolicy({ version: 1, audit: false }).audit, false, 'audit: false turns the log off');
  t.same(validatePolicy({ version: 1 }), { version: 1 }, 'only version is required');
  for (const cap of CAPABILITIES) {
    t.same(validatePolicy({ version: 1, allow: { [cap]: true }, deny: { [cap]: false } }).allow, { [cap]: true }, `${cap} takes booleans`);
  }
  for (const d of DETECTORS) {
    for (const action of ['off', 'alert', 'redact', 'block']) {
      t.same(validatePolicy({ version: 1, detect: { [d]: action } }).detect, { [d]: action });
      t.same(validatePolicy({ version: 1, detect: { [d]: { action, threshold: 0 } } }).detect, { [d]: { action, threshold: 0 } });
    }
  }
});

t.test('the recommended preset is itself a valid policy', async (t) => {
  t.same(validatePolicy(RECOMMENDED_POLICY), RECOMMENDED_POLICY);
  t.equal(RECOMMENDED_POLICY.mode, 'monitor');
});

// Each bad policy, and exactly the lines it must produce: one per problem, naming
// the field, the bad value and what was expected.
const BAD: Array<[string, unknown, string[]]> = [
  ['a port that is not a number', { allow: { 'net.connect': ['a.com:1', 'b.com:2', 'api.openai.com:https'] } }, ['allow.net.connect[2]: "api.openai.com:https": port must be a number, * or a range']],
  ['an empty port', { allow: { 'net.connect': ['a.com:'] } }, ['allow.net.connect[0]: "a.com:": port must be a number, * or a range']],
  ['a port above 65535', { allow: { 'net.connect': ['a.com:65536'] } }, ['allow.net.connect[0]: "a.com:65536": port must be a number, * or a range']],
  ['a descending port range', { allow: { 'net.listen': ['*:90-80'] } }, ['allow.net.listen[0]: "*:90-80": port range 90-80 must be ascending within 0-65535']],
  ['a misspelt top-level key', { alow: {} }, ['alow: unknown key "alow" (did you mean "allow"?)']],
  ['a key with no close match', { zzzzzzzz: 1 }, ['zzzzzzzz: unknown key "zzzzzzzz" (expected one of $schema, version, mode, onInternalError, allow, deny, detect, trust, flows, scopes, spawn, audit, telemetry' + (policySchema().shape && 'llm' in policySchema().shape ? ', llm)' : ')')]],
  ['a misspelt capability', { allow: { 'fs.raed': [] } }, ['allow.fs.raed: unknown key "fs.raed" (did you mean "fs.read"?)']],
  ['a misspelt capability in deny', { deny: { 'net.conect': [] } }, ['deny.net.conect: unknown key "net.conect" (did you mean "net.connect"?)']],
  ['a misspelt capability in a scope', { scopes: [{ match: { tool: 'x' } }, { match: { tool: 'y' }, allow: { 'fs.raed': [] } }] }, ['scopes[1].allow.fs.raed: unknown key "fs.raed" (did you mean "fs.read"?)']],
  ['a misspelt scope key', { scopes: [{ mach: { tool: 'x' } }] }, ['scopes[0].mach: unknown key "mach" (did you mean "match"?)']],
  ['a misspelt capability in a flow map', { flows: [{ when: ['u'], deny: { 'fs.raed': true } }] }, ['flows[0].deny.fs.raed: unknown key "fs.raed" (did you mean "fs.read"?)']],
  ['an unknown capability in a flow list', { flows: [{ when: ['u'], deny: ['fs.write', 'fs.raed'] }] }, ['flows[0].deny[1]: "fs.raed": expected "fs.read" | "fs.write" | "process.spawn" | "net.connect" | "net.listen" | "code.eval" | "code.worker" | "code.native" | "llm.model" | "tool.call"']],
  ['a misspelt flow key', { flows: [{ wehn: ['u'], deny: ['fs.read'] }] }, ['flows[0].wehn: unknown key "wehn" (did you mean "when"?)']],
  ['a flow without labels', { flows: [{ when: [], deny: ['fs.read'] }] }, ['flows[0].when: []: Too small: expected array to have >=1 items']],
  ['a bad label in a flow', { flows: [{ when: ['not a label'], deny: ['fs.read'] }] }, ['flows[0].when[0]: "not a label": labels are letters, digits, _ . - and start with a letter']],
  ['a misspelt detector', { detect: { secret: 'block' } }, ['detect.secret: unknown key "secret" (did you mean "secrets"?)']],
  ['a bad detector action', { detect: { secrets: 'redcat' } }, ['detect.secrets: "redcat": expected "off" | "alert" | "redact" | "block" or object']],
  ['a misspelt detector setting', { detect: { pii: { action: 'alert', treshold: 0.5 } } }, ['detect.pii.treshold: unknown key "treshold" (did you mean "threshold"?)']],
  ['a threshold out of range', { detect: { pii: { action: 'alert', threshold: 2 } } }, ['detect.pii.threshold: 2: Too big: expected number to be <=1']],
  ['a misspelt telemetry key', { telemetry: { spnas: 'all' } }, ['telemetry.spnas: unknown key "spnas" (did you mean "spans"?)']],
  ['a bad telemetry value', { telemetry: { spans: 'some' } }, ['telemetry.spans: "some": expected "off" | "decisions" | "all"']],
  ['a bad telemetry form', { telemetry: { as: 'log' } }, ['telemetry.as: "log": expected "span" | "event"']],
  ['a misspelt spawn key', { spawn: { evn: [] } }, ['spawn.evn: unknown key "evn" (did you mean "env"?)']],
  ['a misspelt trust capability', { trust: { untrusted: { 'tool.cal': ['x'] } } }, ['trust.untrusted.tool.cal: unknown key "tool.cal" (did you mean "tool.call"?)']],
  ['a trust key that is not a label', { trust: { 'Bad label': {} } }, ['trust.Bad label: key "Bad label": labels are letters, digits, _ . - and start with a letter']],
  ['a wrong version', { version: 2 }, ['version: 2: expected 1']],
  ['a bad mode', { mode: 'block' }, ['mode: "block": expected "enforce" | "monitor" | "learn"']],
  ['a string instead of a list', { allow: { 'fs.read': '/tmp/**' } }, ['allow.fs.read: "/tmp/**": expected boolean or array, got a string']],
  ['a number in a list', { allow: { 'fs.read': [3] } }, ['allow.fs.read[0]: 3: expected string, got a number']],
  ['regression: an empty entry gives one line, not two', { allow: { 'tool.call': ['search', ''] } }, ['allow.tool.call[1]: "": must not be empty']],
  ['a list where an object belongs', { allow: [] }, ['allow: []: expected object, got a list']],
  ['regression: audit: true names both accepted forms', { audit: true }, ['audit: true: expected false or object']],
  ['regression: a missing field reads "missing", not "got a undefined"', { audit: {} }, ['audit.path: missing: expected string']],
  ['regression: a misspelt required key is one problem, one line', { audit: { paht: 'x' } }, ['audit.paht: unknown key "paht" (did you mean "path"?)']],
  ['a scope matching nothing', { scopes: [{ match: {} }] }, ['scopes[0].match: {}: match needs at least one key (tool, agent, user, or a run attribute)']],
  ['an unknown placeholder', { allow: { 'fs.read': ['${HOME}/x'] } }, ['allow.fs.read[0]: "${HOME}/x": unknown placeholder ${HOME}: expected ${cwd}, ${home}, ${tmp}']],
  ['an unknown placeholder in a command', { allow: { 'process.spawn': ['${bin}/tool'] } }, ['allow.process.spawn[0]: "${bin}/tool": unknown placeholder ${bin}: expected ${cwd}, ${home}, ${tmp}']],
  ['a bad CIDR', { deny: { 'net.connect': ['10.0.0.0/33'] } }, ['deny.net.connect[0]: "10.0.0.0/33": is not a valid CIDR range']],
  ['an unknown address set', { deny: { 'net.connect': ['@metdata'] } }, ['deny.net.connect[0]: "@metdata": unknown address set @metdata: expected one of @metadata, @private, @loopback, @link-local']],
  ['an unclosed IPv6 bracket', { deny: { 'net.connect': ['[::1:443'] } }, ['deny.net.connect[0]: "[::1:443": IPv6 address is missing its closing ]']],
  ['text after an IPv6 bracket', { deny: { 'net.connect': ['[::1]443'] } }, ['deny.net.connect[0]: "[::1]443": expected :port after ]']],
  ['regression: brackets around something that is not IPv6', { allow: { 'net.connect': ['[example.com]:443'] } }, ['allow.net.connect[0]: "[example.com]:443": brackets hold an IPv6 address or range']],
  ['a host with a space', { deny: { 'net.connect': ['a b:1'] } }, ['deny.net.connect[0]: "a b:1": host must be a name, an IP address, a CIDR range, * or an @set']],
  ['a relative command path', { allow: { 'process.spawn': ['./run.sh'] } }, ['allow.process.spawn[0]: "./run.sh": command "./run.sh" must be a bare name or an absolute path']],
  ['a ** glued to text in an argument', { allow: { 'process.spawn': ['git log a**'] } }, ['allow.process.spawn[0]: "git log a**": argument pattern "a**": ** must stand alone (it matches any number of arguments)']],
  ['a misspelt command object key', { allow: { 'process.spawn': [{ command: 'git', arg: [] }] } }, ['allow.process.spawn[0].arg: unknown key "arg" (did you mean "args"?)']],
  ['an empty command object', { allow: { 'process.spawn': [{ command: ' ' }] } }, ['allow.process.spawn[0]: {"command":" "}: command must not be empty']],
  ['a name pattern with spaces around it', { allow: { 'llm.model': [' gpt-4o'] } }, ['allow.llm.model[0]: " gpt-4o": must not start or end with spaces']],
  ['a path with NUL', { deny: { 'fs.read': ['/etc/\u0000x'] } }, ['deny.fs.read[0]: "/etc/\\u0000x": must not contain NUL']],
  ['a document that is not an object', null, ['(root): null: expected object, got null']],
];

for (const [what, input, expected] of BAD) {
  t.test(`bad policy: ${what}`, async (t) => {
    const data = input !== null && typeof input === 'object' && !Array.isArray(input) ? { version: 1, ...input } : input;
    t.same(problemsOf(t, () => validatePolicy(data, 'test')), expected);
  });
}

t.test('several problems give one line each', async (t) => {
  const problems = problemsOf(t, () =>
    validatePolicy({ version: 1, mode: 'strict', allow: { 'fs.raed': [], 'net.connect': ['x:y'] }, telemetry: { spans: 'none' } }),
  );
  t.same([...problems].sort(), [
    'allow.fs.raed: unknown key "fs.raed" (did you mean "fs.read"?)',
    'allow.net.connect[0]: "x:y": port must be a number, * or a range',
    'mode: "strict": expected "enforce" | "monitor" | "learn"',
    'telemetry.spans: "none": expected "off" | "decisions" | "all"',
  ]);
});

t.test('PalisadePolicyError names the source and lists each problem on its own line', async (t) => {
  const err = new PalisadePolicyError('palisade.policy.json', ['a: x', 'b: y']);
  t.equal(err.message, 'invalid Palisade policy (palisade.policy.json): 2 problems\n  a: x\n  b: y');
  t.equal(new PalisadePolicyError('p', ['one']).message, 'invalid Palisade policy (p): 1 problem\n  one');
  t.equal(err.code, 'ERR_PALISADE_POLICY');
  t.equal(err.source, 'palisade.policy.json');
});

t.test('long bad values are shortened in the message', async (t) => {
  const long = `${'x'.repeat(200)}:https`;
  const [line] = problemsOf(t, () => validatePolicy({ version: 1, allow: { 'net.connect': [long] } }));
  t.match(line, /^allow\.net\.connect\[0\]: "x{76}\.\.\.: port must be a number, \* or a range$/);
});
