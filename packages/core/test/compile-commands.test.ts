import { dirname } from 'node:path';
import t from 'tap';
import type { CommandTarget } from '../src/index.js';
import { trustedCommandDirs } from '../src/compile/command-pattern.js';
import { VALUES, viewOf } from './helpers/index.js';

const cmd = (executable: string, ...args: string[]): CommandTarget => ({ executable, args });

t.test('a bare name stands for that program in a trusted directory only', async (t) => {
  const v = viewOf({ allow: { 'process.spawn': ['git'] } });
  for (const exe of ['/usr/bin/git', '/bin/git', 'git']) t.equal(v.checkCommand(cmd(exe, 'status')).rule, 'allow.process.spawn[0]', exe);
  for (const exe of ['/tmp/git', '/usr/bin/sub/git', '/srv/app/node_modules/.bin/git', '/usr/bin/gitx', '/usr/bin/git.sh']) {
    t.equal(v.checkCommand(cmd(exe)).action, 'deny', exe);
  }
});

t.test('regression: a relative path is not the program a bare name stands for', async (t) => {
  const v = viewOf({ allow: { 'process.spawn': ['git'] } });
  for (const exe of ['./git', 'tmp/git', '../bin/git', 'node_modules/.bin/git']) t.equal(v.checkCommand(cmd(exe)).action, 'deny', exe);
});

t.test('absolute paths and path globs', async (t) => {
  const v = viewOf({ allow: { 'process.spawn': ['/usr/bin/ls', '/opt/tools/*', '~/bin/tool', '${cwd}/scripts/*.sh', '/opt/{a,b}/run'] } });
  t.equal(v.checkCommand(cmd('/usr/bin/ls', '-l')).rule, 'allow.process.spawn[0]');
  t.equal(v.checkCommand(cmd('/bin/ls')).action, 'deny', 'an absolute path is that path only');
  t.equal(v.checkCommand(cmd('ls')).action, 'deny');
  t.equal(v.checkCommand(cmd('/opt/tools/x')).rule, 'allow.process.spawn[1]');
  t.equal(v.checkCommand(cmd('/opt/tools/.hidden')).rule, 'allow.process.spawn[1]');
  t.equal(v.checkCommand(cmd('/opt/tools/sub/x')).action, 'deny');
  t.equal(v.checkCommand(cmd('/home/alice/bin/tool')).rule, 'allow.process.spawn[2]');
  t.equal(v.checkCommand(cmd('/srv/app/scripts/build.sh')).rule, 'allow.process.spawn[3]');
  t.equal(v.checkCommand(cmd('/opt/b/run')).rule, 'allow.process.spawn[4]');
});

t.test('regression: command paths under a home directory with glob characters', async (t) => {
  for (const home of ['/tmp/{a,b}', '/tmp/[x]', '/tmp/a (b)']) {
    const v = viewOf({ deny: { 'process.spawn': ['~/bin/*', '${home}/exact'] } }, { ...VALUES, home });
    t.equal(v.checkCommand(cmd(`${home}/bin/evil`)).rule, 'deny.process.spawn[0]', home);
    t.equal(v.checkCommand(cmd(`${home}/exact`)).rule, 'deny.process.spawn[1]', home);
    t.equal(v.checkCommand(cmd('/tmp/a/bin/evil')).rule, 'default', home);
  }
});

t.test('argument patterns: exact arity, * and ? within one argument, ** for any number', async (t) => {
  const v = viewOf({
    allow: { 'process.spawn': ['git status', 'git log **', '/usr/bin/ls -l *', 'tool -? x', 'git ** --dry-run', 'echo *'] },
  });
  const ok = (c: CommandTarget, r: string) => t.equal(v.checkCommand(c).rule, r, [c.executable, ...c.args].join(' '));
  const no = (c: CommandTarget) => t.equal(v.checkCommand(c).action, 'deny', [c.executable, ...c.args].join(' '));
  ok(cmd('git', 'status'), 'allow.process.spawn[0]');
  no(cmd('git'));
  no(cmd('git', 'status', '-s'));
  ok(cmd('git', 'log'), 'allow.process.spawn[1]');
  ok(cmd('git', 'log', '-n', '5', '--oneline'), 'allow.process.spawn[1]');
  no(cmd('git', 'push'));
  ok(cmd('/usr/bin/ls', '-l', '/tmp'), 'allow.process.spawn[2]');
  ok(cmd('/usr/bin/ls', '-l', 'a b c'), 'allow.process.spawn[2]');
  no(cmd('/usr/bin/ls', '-l'));
  no(cmd('/usr/bin/ls', '-l', 'a', 'b'));
  no(cmd('/usr/bin/ls', '-la', 'x'));
  ok(cmd('tool', '-v', 'x'), 'allow.process.spawn[3]');
  no(cmd('tool', '-vv', 'x'));
  ok(cmd('git', 'push', '--dry-run'), 'allow.process.spawn[4]');
  ok(cmd('git', '--dry-run'), 'allow.process.spawn[4]');
  no(cmd('git', 'push', '--force'));
  ok(cmd('echo', ''), 'allow.process.spawn[5]');
});

t.test('the object form takes arguments with spaces', async (t) => {
  const v = viewOf({ allow: { 'process.spawn': [{ command: 'git', args: ['commit', '-m', '*'] }, { command: '/usr/bin/env' }] } });
  t.equal(v.checkCommand(cmd('git', 'commit', '-m', 'fix: a thing with spaces')).rule, 'allow.process.spawn[0]');
  t.equal(v.checkCommand(cmd('git', 'commit', '-m')).action, 'deny');
  t.equal(v.checkCommand(cmd('/usr/bin/env', 'A=1', 'x')).rule, 'allow.process.spawn[1]', 'no args: any arguments');
  t.equal(v.checkCommand(cmd('git', 'commit', '-m', 'x')).reason, 'matches allow entry "{\\"command\\":\\"git\\",\\"args\\":[\\"commit\\",\\"-m\\",\\"*\\"]}"');
});

t.test('deny wins over allow for commands', async (t) => {
  const v = viewOf({ allow: { 'process.spawn': ['git **'] }, deny: { 'process.spawn': ['git push **'] } });
  t.equal(v.checkCommand(cmd('/usr/bin/git', 'push', 'origin')).rule, 'deny.process.spawn[0]');
  t.equal(v.checkCommand(cmd('/usr/bin/git', 'pull')).rule, 'allow.process.spawn[0]');
});

t.test('the verdict shows the command line, quoting arguments that need it', async (t) => {
  const v = viewOf({ deny: { 'process.spawn': true } });
  t.equal(v.checkCommand(cmd('/bin/sh', '-c', 'rm -rf /', "it's")).target, `/bin/sh -c "rm -rf /" "it's"`);
  t.equal(v.checkCommand(cmd('/usr/bin/git', 'log', '--format=%h', 'a@b:c,d')).target, '/usr/bin/git log --format=%h a@b:c,d');
});

t.test('spawn.env: code-injecting variables must be listed', async (t) => {
  const open = viewOf({ allow: { 'process.spawn': true } });
  const smuggled = open.checkCommand({ executable: '/usr/bin/node', args: ['x.js'], env: ['NODE_OPTIONS'] });
  t.equal(smuggled.action, 'deny', 'even when every command is allowed');
  t.equal(smuggled.rule, 'spawn.env');
  t.equal(smuggled.reason, "the child's environment sets NODE_OPTIONS, which can inject code into it; list it in spawn.env to allow");
  t.equal(open.checkCommand({ executable: '/usr/bin/node', args: [], env: [] }).action, 'allow', 'an empty list is fine');
  const listed = viewOf({ spawn: { env: ['NODE_OPTIONS', 'DYLD_*'] } });
  t.equal(listed.checkCommand({ executable: '/usr/bin/node', args: [], env: ['NODE_OPTIONS', 'DYLD_INSERT_LIBRARIES'] }).action, 'allow');
  const partly = listed.checkCommand({ executable: '/usr/bin/node', args: [], env: ['DYLD_X', 'LD_PRELOAD'] });
  t.equal(partly.rule, 'spawn.env');
  t.match(partly.reason, /sets LD_PRELOAD,/);
  t.equal(listed.checkCommand({ executable: '/usr/bin/node', args: [], env: ['node_options'] }).action, 'deny', 'names are case-sensitive');
  // The environment is part of what is cached: the same command without it is a different operation.
  t.equal(open.checkCommand({ executable: '/usr/bin/node', args: ['x.js'] }).action, 'allow');
  const monitor = viewOf({ mode: 'monitor' });
  t.equal(monitor.checkCommand({ executable: '/usr/bin/node', args: [], env: ['LD_PRELOAD'] }).action, 'alert');
});

t.test('trusted command directories come from PATH (absolute entries) and Node', async (t) => {
  const dirs = trustedCommandDirs('/usr/local/bin:/usr/bin/:relative/bin::.:/');
  t.ok(dirs.has('/usr/local/bin'));
  t.ok(dirs.has('/usr/bin'), 'a trailing slash is dropped');
  t.ok(dirs.has('/'));
  t.notOk(dirs.has('relative/bin'));
  t.notOk(dirs.has('.'));
  t.ok(dirs.has(dirname(process.execPath)));
});

t.test('name patterns: models, tools, eval kinds', async (t) => {
  const v = viewOf({ allow: { 'llm.model': ['gpt-4o*', 'org/model*', 'claude-?-x', 'a.b', 'm(1)'], 'tool.call': ['search', 'web_*'] } });
  const model = (n: string) => v.check('llm.model', n).rule;
  t.equal(model('gpt-4o'), 'allow.llm.model[0]');
  t.equal(model('gpt-4o-mini-2024'), 'allow.llm.model[0]');
  t.equal(model('gpt-4'), 'allow.llm.model');
  t.equal(model('xgpt-4o'), 'allow.llm.model', 'patterns are anchored');
  t.equal(model('org/model-7b'), 'allow.llm.model[1]');
  t.equal(model('org/model/v2/x'), 'allow.llm.model[1]', '* crosses / in names');
  t.equal(model('claude-3-x'), 'allow.llm.model[2]');
  t.equal(model('claude-33-x'), 'allow.llm.model');
  t.equal(model('a.b'), 'allow.llm.model[3]');
  t.equal(model('aXb'), 'allow.llm.model', 'regex characters are literal');
  t.equal(model('m(1)'), 'allow.llm.model[4]');
  t.equal(model('GPT-4O'), 'allow.llm.model', 'names are case-sensitive');
  t.equal(v.check('tool.call', 'search').rule, 'allow.tool.call[0]');
  t.equal(v.check('tool.call', 'web_fetch').rule, 'allow.tool.call[1]');
  t.equal(v.check('tool.call', 'search2').action, 'deny');
  const order = viewOf({ deny: { 'tool.call': ['web_*', 'web_fetch', '*'] } });
  t.equal(order.check('tool.call', 'web_fetch').rule, 'deny.tool.call[0]', 'the earliest entry decides');
  t.equal(order.check('tool.call', 'x').rule, 'deny.tool.call[2]');
  const exactFirst = viewOf({ deny: { 'tool.call': ['web_fetch', 'web_*'] } });
  t.equal(exactFirst.check('tool.call', 'web_fetch').rule, 'deny.tool.call[0]');
});

t.test('a bare name in a deny list matches that program in any directory', async (t) => {
  const view = viewOf({ version: 1, deny: { 'process.spawn': ['curl'] } });
  for (const exe of ['/usr/bin/curl', '/tmp/curl', '/home/u/bin/curl', 'curl']) t.equal(view.checkCommand(cmd(exe, 'x')).action, 'deny', exe);
  t.equal(view.checkCommand(cmd('/usr/bin/../bin/curl')).action, 'deny', 'a path with dot segments still names curl');
  t.equal(view.checkCommand(cmd('/usr/bin/wget')).action, 'allow');
});

t.test('bare names may be globs: "*" in a deny list covers every program', async (t) => {
  const view = viewOf({ version: 1, deny: { 'process.spawn': ['*'] }, allow: { 'process.spawn': ['python*'] } });
  for (const exe of ['/bin/sh', '/usr/bin/ls', '/tmp/x', 'ls']) t.equal(view.checkCommand(cmd(exe)).action, 'deny', exe);
  const allowOnly = viewOf({ version: 1, allow: { 'process.spawn': ['python*'] } });
  t.equal(allowOnly.checkCommand(cmd('/usr/bin/python3', '-V')).action, 'allow');
  t.equal(allowOnly.checkCommand(cmd('/tmp/python3')).action, 'deny', 'an allow glob still needs a trusted directory');
  t.equal(allowOnly.checkCommand(cmd('/usr/bin/perl')).action, 'deny');
});
