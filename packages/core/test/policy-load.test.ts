import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  POLICY_FILE_NAMES,
  RECOMMENDED_POLICY,
  activeRuntime,
  check,
  enforce,
  findPolicyFile,
  init,
  loadPolicy,
  parsePolicy,
  readPolicyFile,
  shutdown,
} from '../src/index.js';
import { problemsOf, tempDir, thrown } from './helpers/index.js';

t.afterEach(() => shutdown());

t.test('JSON, JSON with comments, and YAML parse to the same policy', async (t) => {
  const expected = { version: 1, mode: 'monitor', allow: { 'fs.read': ['${cwd}/**'], 'code.eval': false } };
  t.same(parsePolicy(JSON.stringify(expected), 'p.json'), expected);
  const jsonc = `// leading comment
{
  "version": 1, /* inline */ "mode": "monitor",
  "allow": {
    /* a block
       over lines */
    "fs.read": ["\${cwd}/**"], // trailing
    "code.eval": false
  }
}`;
  t.same(parsePolicy(jsonc, 'p.json'), expected);
  const yaml = `# comment
version: 1
mode: monitor
allow:
  fs.read: ["\${cwd}/**"]
  code.eval: false
`;
  t.same(parsePolicy(yaml, 'p.yaml'), expected);
  t.same(parsePolicy(yaml, 'p.yml'), expected);
  t.same(parsePolicy(yaml, 'whatever', 'yaml'), expected, 'the format can be given');
});

t.test('comment markers inside strings are kept', async (t) => {
  const p = parsePolicy('{"version": 1, "allow": {"net.connect": ["a.com:443"], "fs.read": ["/srv/a//b/*", "/x/*/y"]}}', 'p.json');
  t.same(p.allow?.['fs.read'], ['/srv/a//b/*', '/x/*/y']);
  const q = parsePolicy('{"version": 1, "scopes": [{"name": "say \\"//hi\\" /* no */", "match": {"tool": "t"}}]}', 'p.json');
  t.equal(q.scopes?.[0]?.name, 'say "//hi" /* no */');
});

t.test('regression: a byte-order mark at the start of a file is ignored', async (t) => {
  t.same(parsePolicy('\uFEFF{"version": 1}', 'p.json'), { version: 1 });
  t.same(parsePolicy('\uFEFFversion: 1\n', 'p.yaml'), { version: 1 });
});

t.test('regression: JSON syntax errors name the line and column the same way on every Node version', async (t) => {
  const trailingComma = '{\n  "version": 1,\n  "mode": "enforce",\n}\n';
  const [a] = problemsOf(t, () => parsePolicy(trailingComma, 'p.json'));
  t.match(a, /^line 4, column 1: \S/);
  t.notMatch(a, /position/, 'the offset is given as line and column only');
  const missingColon = '{\n  "version": 1,\n  "mode" "enforce"\n}';
  t.match(problemsOf(t, () => parsePolicy(missingColon, 'p.json'))[0], /^line 3, column 10: \S/);
  const afterComment = '{\n  // a comment with "quotes"\n  "version": 1 /* x */ "mode": "enforce"\n}';
  t.match(problemsOf(t, () => parsePolicy(afterComment, 'p.json'))[0], /^line 3, column 24: \S/, 'comments keep positions');
  const cutOff = '{\n  "version": 1,\n  "mode": "enf';
  t.match(problemsOf(t, () => parsePolicy(cutOff, 'p.json'))[0], /^line 3, column \d+: \S/, 'an unterminated file still names a place');
  t.match(problemsOf(t, () => parsePolicy('', 'p.json'))[0], /^line 1, column 1: /, 'an empty JSON file');
});

t.test('YAML syntax errors name the line and column, once', async (t) => {
  const [a] = problemsOf(t, () => parsePolicy('version: 1\nallow:\n  fs.read: [a\n', 'p.yml'));
  t.match(a, /^line 4, column 1: \S/);
  t.notMatch(a, /at line/, 'the position is not repeated');
  t.same(problemsOf(t, () => parsePolicy('version: 1\n---\nversion: 1\n', 'p.yml')).length, 1);
  t.same(problemsOf(t, () => parsePolicy('', 'p.yml')), ['(root): null: expected object, got null']);
});

t.test('regression: duplicate keys are an error naming the field, never last-one-wins', async (t) => {
  t.same(problemsOf(t, () => parsePolicy('{"version": 1, "deny": {"fs.read": ["/a"]}, "deny": {}}', 'p.json')), [
    'deny: duplicate key (line 1, column 45): each key may appear only once',
  ]);
  const nested = `{
  "version": 1,
  "scopes": [
    { "match": { "tool": "a" } },
    { "match": { "tool": "b" }, "allow": { "fs.read": ["/x"], "fs.read": true } }
  ]
}`;
  t.same(problemsOf(t, () => parsePolicy(nested, 'p.json')), [
    'scopes[1].allow.fs.read: duplicate key (line 5, column 63): each key may appear only once',
  ]);
  t.same(
    problemsOf(t, () => parsePolicy('{"version": 1, "deny": {"fs.read": ["/a"]}, "d\\u0065ny": {}}', 'p.json')),
    ['deny: duplicate key (line 1, column 45): each key may appear only once'],
    'an escaped spelling of the same key is the same key',
  );
  t.same(
    problemsOf(t, () => parsePolicy('{"version": 1, /* "mode": */ "mode": "monitor", // "mode": 1\n "mode": "enforce"}', 'p.json')),
    ['mode: duplicate key (line 2, column 2): each key may appear only once'],
    'keys in comments do not count; the real duplicate does',
  );
  t.same(problemsOf(t, () => parsePolicy('version: 1\nmode: monitor\nmode: enforce\n', 'p.yaml')), [
    'mode: duplicate key (line 3, column 1): each key may appear only once',
  ]);
  t.same(problemsOf(t, () => parsePolicy('version: 1\nscopes:\n  - match: {tool: a}\n  - match: {tool: b}\n    allow:\n      fs.read: [x]\n      fs.read: [y]\n', 'p.yaml')), [
    'scopes[1].allow.fs.read: duplicate key (line 7, column 7): each key may appear only once',
  ]);
  // Same key in different objects, and key-like text in values, are fine.
  t.same(
    parsePolicy('{"version": 1, "allow": {"fs.read": ["\\"deny\\": 1"]}, "deny": {"fs.read": []}, "scopes": [{"match": {"tool": "a"}}, {"match": {"tool": "b"}}]}', 'p.json').deny,
    { 'fs.read': [] },
  );
});

t.test('regression: a deeply nested file is rejected quickly and cleanly', async (t) => {
  const deep = `{"version": 1, "x": ${'['.repeat(20000)}${']'.repeat(20000)}}`;
  const err = thrown(t, () => parsePolicy(deep, 'p.json'));
  t.equal(err.code, 'ERR_PALISADE_POLICY');
});

t.test('readPolicyFile picks the format from the extension and reports unreadable files', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.json'), '{"version": 1, "mode": "learn"}');
  writeFileSync(join(dir, 'b.yaml'), 'version: 1\nmode: learn\n');
  writeFileSync(join(dir, 'c.YML'), 'version: 1\nmode: learn\n');
  for (const f of ['a.json', 'b.yaml', 'c.YML']) t.same(readPolicyFile(join(dir, f)), { version: 1, mode: 'learn' }, f);
  const missing = join(dir, 'missing.json');
  const err = thrown(t, () => readPolicyFile(missing));
  t.equal(err.code, 'ERR_PALISADE_POLICY');
  t.equal(err.source, missing);
  t.match((err.problems as string[])[0], /^cannot read the policy file: ENOENT/);
});

t.test('loadPolicy finds palisade.policy.{json,yaml,yml} in the working directory', async (t) => {
  t.same(POLICY_FILE_NAMES, ['palisade.policy.json', 'palisade.policy.yaml', 'palisade.policy.yml']);
  const bodies: Record<string, string> = {
    'palisade.policy.json': '{"version": 1, "mode": "enforce", "deny": {"fs.read": ["/x"]}}',
    'palisade.policy.yaml': 'version: 1\nmode: enforce\ndeny:\n  fs.read: [/x]\n',
    'palisade.policy.yml': 'version: 1\nmode: enforce\ndeny: {fs.read: [/x]}\n',
  };
  for (const name of POLICY_FILE_NAMES) {
    const dir = tempDir(t);
    writeFileSync(join(dir, name), bodies[name]!);
    const loaded = loadPolicy({ cwd: dir, env: {} });
    t.same(loaded.policy, { version: 1, mode: 'enforce', deny: { 'fs.read': ['/x'] } }, name);
    t.equal(loaded.source, join(dir, name));
    t.equal(loaded.fromFile, true);
  }
});

t.test('with no policy file: the recommended preset, in monitor mode', async (t) => {
  const dir = tempDir(t);
  const loaded = loadPolicy({ cwd: dir, env: {} });
  t.equal(loaded.policy, RECOMMENDED_POLICY);
  t.equal(loaded.policy.mode, 'monitor');
  t.equal(loaded.source, 'recommended preset');
  t.equal(loaded.fromFile, false);
  t.equal(findPolicyFile({ cwd: dir, env: {} }), undefined);
});

t.test('several policy files in one directory are an error', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'palisade.policy.json'), '{"version": 1}');
  writeFileSync(join(dir, 'palisade.policy.yml'), 'version: 1\n');
  const err = thrown(t, () => loadPolicy({ cwd: dir, env: {} }));
  t.equal(err.code, 'ERR_PALISADE_POLICY');
  t.same(err.problems, [
    `several policy files: ${join(dir, 'palisade.policy.json')}, ${join(dir, 'palisade.policy.yml')}; keep one, or set PALISADE_POLICY`,
  ]);
  // PALISADE_POLICY settles it.
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_POLICY: 'palisade.policy.yml' } }).source, join(dir, 'palisade.policy.yml'));
});

t.test('PALISADE_POLICY names the file, absolute or relative to the working directory', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'palisade.policy.json'), '{"version": 1, "mode": "enforce"}');
  writeFileSync(join(dir, 'other.yaml'), 'version: 1\nmode: learn\n');
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_POLICY: join(dir, 'other.yaml') } }).policy.mode, 'learn');
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_POLICY: 'other.yaml' } }).policy.mode, 'learn');
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_POLICY: '' } }).policy.mode, 'enforce', 'empty means unset');
  const err = thrown(t, () => loadPolicy({ cwd: dir, env: { PALISADE_POLICY: 'nope.json' } }));
  t.equal(err.code, 'ERR_PALISADE_POLICY', 'a named file that is missing is an error, not the preset');
});

t.test('PALISADE_MODE overrides the mode; a bad value is an error', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'palisade.policy.json'), '{"version": 1, "mode": "enforce"}');
  for (const mode of ['enforce', 'monitor', 'learn']) t.equal(loadPolicy({ cwd: dir, env: { PALISADE_MODE: mode } }).policy.mode, mode);
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_MODE: '' } }).policy.mode, 'enforce');
  t.equal(loadPolicy({ cwd: tempDir(t), env: { PALISADE_MODE: 'enforce' } }).policy.mode, 'enforce', 'also over the preset');
  const err = thrown(t, () => loadPolicy({ cwd: dir, env: { PALISADE_MODE: 'Enforce' } }));
  t.equal(err.code, 'ERR_PALISADE_POLICY');
  t.equal(err.source, 'environment');
  t.same(err.problems, ['PALISADE_MODE: "Enforce": expected enforce | monitor | learn']);
});

t.test('PALISADE_AUDIT sets the audit path or turns the log off', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'palisade.policy.json'), '{"version": 1, "audit": {"path": "a.jsonl", "fsync": true}}');
  t.same(loadPolicy({ cwd: dir, env: { PALISADE_AUDIT: '/var/log/x.jsonl' } }).policy.audit, { path: '/var/log/x.jsonl', fsync: true });
  t.equal(loadPolicy({ cwd: dir, env: { PALISADE_AUDIT: 'off' } }).policy.audit, false);
  t.same(loadPolicy({ cwd: dir, env: { PALISADE_AUDIT: '' } }).policy.audit, { path: 'a.jsonl', fsync: true });
  t.same(loadPolicy({ cwd: tempDir(t), env: { PALISADE_AUDIT: 'x.jsonl' } }).policy.audit, { path: 'x.jsonl' }, 'over the preset too');
});

t.test('init() reads the policy file of its working directory', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'palisade.policy.yaml'), 'version: 1\ndeny:\n  tool.call: [shell]\n');
  const rt = init({ cwd: dir, env: {} });
  t.equal(rt.source, join(dir, 'palisade.policy.yaml'));
  t.equal(rt.mode, 'enforce');
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
});

t.test('regression: init() with a policy object applies PALISADE_AUDIT as well as PALISADE_MODE', async (t) => {
  const dir = tempDir(t);
  const rt = init({ env: { PALISADE_MODE: 'monitor', PALISADE_AUDIT: join(dir, 'env-audit.jsonl') }, policy: { version: 1, deny: { 'tool.call': true } } });
  t.equal(rt.mode, 'monitor');
  t.equal(rt.recorder.auditPath, join(dir, 'env-audit.jsonl'));
  t.equal(enforce('tool.call', 'x').action, 'alert');
  const off = init({ env: { PALISADE_AUDIT: 'off' }, policy: { version: 1, audit: { path: join(dir, 'p.jsonl') } } });
  t.equal(off.recorder.auditPath, undefined);
});

t.test('a bad policy never silently weakens protection', async (t) => {
  t.test('init() with a bad policy throws PalisadePolicyError and installs nothing', async (t) => {
    shutdown();
    const err = thrown(t, () => init({ env: {}, policy: { version: 1, deny: { 'fs.read': ['/etc/**'], 'net.connect': ['x:https'] } } }));
    t.equal(err.name, 'PalisadePolicyError');
    t.equal(activeRuntime(), undefined);
  });
  t.test('when a policy is already active, a bad one leaves it in force', async (t) => {
    init({ env: {}, policy: { version: 1, deny: { 'tool.call': ['shell'] } } });
    const attempts: Array<() => unknown> = [
      () => init({ env: {}, policy: { version: 1, mode: 'monitor', deny: { 'tool.call': ['x'] }, alow: {} } }),
      () => init({ env: {}, policy: { version: 1, mode: 'monitor', deny: { 'net.connect': ['@nope'] } } }),
      () => init({ env: { PALISADE_MODE: 'off' }, policy: { version: 1, mode: 'monitor' } }),
      () => init({ env: {}, cwd: '/', policy: 'not a policy' }),
    ];
    for (const attempt of attempts) {
      t.equal(thrown(t, attempt).code, 'ERR_PALISADE_POLICY');
      t.equal(activeRuntime()?.mode, 'enforce');
      t.equal(check({ capability: 'tool.call', target: 'shell' }).action, 'deny', 'the old deny still holds');
      t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
    }
  });
  t.test('a bad policy file in the working directory', async (t) => {
    const dir = tempDir(t);
    init({ env: {}, policy: { version: 1, deny: { 'tool.call': ['shell'] } } });
    writeFileSync(join(dir, 'palisade.policy.json'), '{"version": 1, "mode": "monitor", "mode": "monitor"}');
    t.equal(thrown(t, () => init({ cwd: dir, env: {} })).code, 'ERR_PALISADE_POLICY');
    t.equal(check({ capability: 'tool.call', target: 'shell' }).action, 'deny');
  });
});

t.test('PALISADE_POLICY_VALUES: the placeholder values a parent process hands its children', async (t) => {
  const { placeholderOverride } = await import('../src/policy/load.js');
  t.same(placeholderOverride({ PALISADE_POLICY_VALUES: '{"cwd":"/app","home":"/home/u","tmp":"/tmp"}' }), { cwd: '/app', home: '/home/u', tmp: '/tmp' });
  t.equal(placeholderOverride({}), undefined);
  t.throws(() => placeholderOverride({ PALISADE_POLICY_VALUES: '{"cwd":"relative","home":"/h","tmp":"/t"}' }), { code: 'ERR_PALISADE_POLICY', message: /PALISADE_POLICY_VALUES/ });
  t.throws(() => placeholderOverride({ PALISADE_POLICY_VALUES: 'not json' }), { code: 'ERR_PALISADE_POLICY' });
});
