/**
 * The child_process sensor in this process: each function fails the way Node
 * fails it (a denied spawn looks like one whose program does not exist),
 * allowed calls behave exactly as without Palisade, and what Node would really
 * do — polluted prototypes, getters, its own internal calls — is what is checked.
 */
import cp from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { type DecisionRecord, init, on, shutdown, splitNodeOptions } from '@palisade/core';
import { installChildProcessSensor, setChildPreload } from '../src/sensors/child-process.js';

installChildProcessSensor();

const dir = mkdtempSync(join(tmpdir(), 'palisade-cp-sensor-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const marker = (name: string) => join(dir, name);

function usePolicy(t: Test, policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
  t.teardown(() => shutdown());
}

function recorded(t: Test): DecisionRecord[] {
  const list: DecisionRecord[] = [];
  const off = on('decision', (r) => list.push(r));
  t.teardown(off);
  return list;
}

// `touch` is denied, `echo`/`sh`/`printf` allowed: the effect of a denied command is a file that is not created.
const POLICY = { allow: { 'process.spawn': ['sh', 'echo', 'printf', 'true', 'false', 'env', 'node', process.execPath] } };
const DENIED = { code: 'ERR_PALISADE_DENIED', name: 'PalisadeDeniedError', capability: 'process.spawn', rule: 'allow.process.spawn' };

t.test('spawn: a denied child emits error then close, like ENOENT, and never runs', async (t) => {
  usePolicy(t, POLICY);
  const child = cp.spawn('touch', [marker('spawn')]);
  t.ok(child instanceof cp.ChildProcess, 'a ChildProcess');
  t.equal(child.pid, undefined);
  t.ok(child.stdout && child.stderr && child.stdin, 'pipes as requested');
  const events: string[] = [];
  for (const ev of ['spawn', 'exit']) child.on(ev, () => events.push(ev));
  const [err] = (await once(child, 'error')) as [Error];
  t.match(err, { ...DENIED, target: /\/touch .*spawn$/ });
  const [code, signal] = await once(child, 'close');
  t.equal(code, -1);
  t.equal(signal, null);
  t.same(events, [], 'no spawn, no exit');
  t.notOk(existsSync(marker('spawn')), 'touch did not run');
  t.equal(child.kill(), false);
  t.equal(child.spawnfile, 'touch');
});

t.test('spawn with stdio inherit has no pipes', async (t) => {
  usePolicy(t, POLICY);
  const child = cp.spawn('touch', [marker('x')], { stdio: 'inherit' });
  t.equal(child.stdout, null);
  await once(child, 'error');
});

t.test('exec and execFile: the callback gets the error and empty output', async (t) => {
  usePolicy(t, POLICY);
  const r1 = await new Promise<unknown[]>((res) => cp.exec(`touch ${marker('exec')}`, (...a) => res(a)));
  t.match(r1[0], { ...DENIED, cmd: `touch ${marker('exec')}` });
  t.same(r1.slice(1), ['', '']);
  const r2 = await new Promise<unknown[]>((res) => cp.execFile('touch', [marker('execFile')], { encoding: 'buffer' }, (...a) => res(a)));
  t.match(r2[0], DENIED);
  t.ok(Buffer.isBuffer(r2[1]) && (r2[1] as Buffer).length === 0, 'encoding buffer: empty Buffer');
  const child = cp.execFile('touch', [marker('execFile2')]);
  await new Promise((res) => child.on('close', res));
  t.pass('no callback: the error does not go unhandled');
  await t.rejects(promisify(cp.exec)(`touch ${marker('p1')}`), { ...DENIED, stdout: '', stderr: '' });
  await t.rejects(promisify(cp.execFile)('touch', [marker('p2')]), DENIED);
  t.ok(promisify(cp.exec)('true').child instanceof cp.ChildProcess, 'promisified exec keeps .child');
  for (const m of ['exec', 'execFile', 'execFile2', 'p1', 'p2']) t.notOk(existsSync(marker(m)), `${m}: nothing ran`);
});

t.test('sync functions: spawnSync returns the error, execSync and execFileSync throw it', async (t) => {
  usePolicy(t, POLICY);
  const r = cp.spawnSync('touch', [marker('s1')]);
  t.match(r, { error: DENIED, status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null });
  t.throws(() => cp.execSync(`touch ${marker('s2')}`), { ...DENIED, status: null });
  t.throws(() => cp.execFileSync('touch', [marker('s3')]), DENIED);
  for (const m of ['s1', 's2', 's3']) t.notOk(existsSync(marker(m)));
});

t.test('fork: a denied fork fails with an IPC channel that is closed', async (t) => {
  usePolicy(t, { allow: { 'process.spawn': ['echo'] } });
  const child = cp.fork(join(dir, 'nothing.js'));
  t.equal(child.connected, false);
  const [err] = await once(child, 'error');
  t.match(err, DENIED);
  const sendErr = await new Promise((res) => child.send('x', res));
  t.match(sendErr, { code: 'ERR_IPC_CHANNEL_CLOSED' });
});

t.test('ChildProcess#spawn called directly is checked', async (t) => {
  usePolicy(t, POLICY);
  const c = new cp.ChildProcess();
  t.throws(() => c.spawn({ file: 'touch', args: ['touch', marker('proto')], stdio: 'ignore' } as never), DENIED);
  t.notOk(existsSync(marker('proto')));
  const ok = new cp.ChildProcess();
  ok.spawn({ file: 'true', args: ['true'], stdio: 'ignore' } as never);
  const [code] = await once(ok, 'exit');
  t.equal(code, 0, 'an allowed direct spawn runs');
});

t.test('allowed calls behave as without Palisade', async (t) => {
  usePolicy(t, POLICY);
  const child = cp.spawn('echo', ['hi']);
  t.equal(child.spawnfile, 'echo', 'spawnfile as given although the absolute path was run');
  t.same(child.spawnargs, ['echo', 'hi']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await once(child, 'close');
  t.equal(out, 'hi\n');
  t.equal(String(cp.spawnSync('sh', ['-c', 'echo $0']).stdout), 'sh\n', 'argv[0] kept');
  t.equal(String(cp.spawnSync('sh', ['-c', 'echo $0'], { argv0: 'custom' }).stdout), 'custom\n');
  t.equal(cp.execSync('printf "%s" "$0"', { encoding: 'utf8' }), '/bin/sh');
  const err = await new Promise<Error & { cmd?: string; code?: unknown }>((res) => cp.execFile('sh', ['-c', 'exit 3'], (e) => res(e!)));
  t.match(err, { code: 3, cmd: 'sh -c exit 3', message: /^Command failed: sh -c exit 3/ });
  t.throws(() => cp.execFileSync('false', [], { stdio: 'ignore' }), { status: 1, message: /^Command failed: false/ });
  t.same(await promisify(cp.execFile)('echo', ['x']), { stdout: 'x\n', stderr: '' });
});

t.test("Node's own validation errors are kept", async (t) => {
  usePolicy(t, POLICY);
  t.throws(() => cp.spawn(123 as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.spawn(''), { code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => cp.spawn('echo', 'x' as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.spawn('echo', [], { cwd: 123 } as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.spawn('echo', [], { shell: 5 } as never), { code: /ERR_INVALID_ARG_TYPE|ERR_PALISADE_DENIED/ });
  t.throws(() => cp.spawnSync('echo', ['a\0b']), { code: 'ERR_INVALID_ARG_VALUE' });
  t.throws(() => cp.execFile('echo', [], { timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => cp.execFile('echo', [], {}, 'nope' as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.exec(5 as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.fork(5 as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => cp.execSync('echo', { maxBuffer: -1 }), { code: 'ERR_OUT_OF_RANGE' });
});

t.test('monitor mode: the spawn goes ahead and an alert is recorded', async (t) => {
  usePolicy(t, { ...POLICY, mode: 'monitor' });
  const seen = recorded(t);
  cp.execFileSync('touch', [marker('monitor')]);
  t.ok(existsSync(marker('monitor')), 'ran');
  t.match(seen, [{ action: 'alert', capability: 'process.spawn', target: /\/touch / }]);
});

t.test('shell text: the shell and each command in it', async (t) => {
  usePolicy(t, POLICY);
  const seen = recorded(t);
  t.throws(() => cp.execSync(`echo ok; touch ${marker('list')}`), { ...DENIED, target: /\/touch / });
  t.throws(() => cp.execSync(`echo $(touch ${marker('subst')})`), DENIED);
  t.throws(() => cp.execSync('$(printf touch) x'), { target: /^@dynamic sh/ });
  t.match(cp.spawnSync('echo', ['x;', 'touch', marker('shelltrue')], { shell: true }).error, DENIED, 'shell: true');
  t.notOk(existsSync(marker('list')) || existsSync(marker('subst')) || existsSync(marker('shelltrue')));
  t.match(seen[0], { action: 'deny', target: /\/touch /, detail: { 'palisade.spawn.command': /^\/bin\/sh -c "echo ok; touch / } });
});

t.test('the shell itself must be allowed', async (t) => {
  usePolicy(t, { allow: { 'process.spawn': ['echo'] } });
  t.throws(() => cp.execSync('echo hi'), { ...DENIED, target: '/bin/sh -c "echo hi"' });
});

t.test('Object.prototype pollution is judged by what Node does', async (t) => {
  usePolicy(t, POLICY);
  const proto = Object.prototype as Record<string, unknown>;
  t.teardown(() => {
    delete proto.shell;
    delete proto.BASH_ENV;
    delete proto.env;
  });
  proto.shell = true;
  // Node does not read an inherited `shell`: no shell, `$HOME` stays literal.
  t.equal(String(cp.spawnSync('echo', ['$HOME']).stdout), '$HOME\n');
  t.equal(String(cp.execFileSync('echo', ['$HOME'])), '$HOME\n');
  delete proto.shell;
  proto.BASH_ENV = '/nonexistent/evil.sh';
  // Node copies inherited enumerable keys into the child's environment: this is smuggling.
  t.match(cp.spawnSync('echo', ['x']).error, { ...DENIED, rule: 'spawn.env' });
  t.throws(() => cp.execSync('echo x'), { rule: 'spawn.env' });
  t.match(cp.spawnSync('echo', ['x'], { env: { PATH: process.env.PATH } }).error, { rule: 'spawn.env' }, 'also through an env option object');
  delete proto.BASH_ENV;
  proto.env = { PATH: '/nonexistent' };
  t.equal(String(cp.spawnSync('echo', ['still']).stdout), 'still\n', 'an inherited env option is not read');
});

t.test("execFileSync reads an inherited stdio as Node does: once, before spawning", async (t) => {
  // Found by the hostile-argument property: options whose prototype has a `stdio` getter that throws.
  usePolicy(t, POLICY);
  const boom = Object.assign(new Error('stdio getter'), { code: 'EHOSTILE' });
  let reads = 0;
  const throwing = Object.create({
    get stdio() {
      reads++;
      throw boom;
    },
  }) as object;
  t.throws(() => cp.execFileSync('touch', [marker('stdio-throws')], throwing), boom, 'the getter error, as from Node');
  t.equal(reads, 1, 'read once');
  t.notOk(existsSync(marker('stdio-throws')), 'nothing ran');
  // Also for calls Node rejects after reading it (found by the property with another seed): its error comes first.
  const notAString = { [Symbol.toPrimitive]: () => 'touch' };
  t.throws(() => cp.execFileSync(notAString as unknown as string, [marker('stdio-throws')], throwing), boom, 'a file that is not a string: the getter error first');
  t.throws(() => cp.execFileSync('touch', [marker('stdio-throws')], Object.assign(Object.create(throwing) as object, { cwd: 42 })), boom, 'a bad cwd: the getter error first');
  t.throws(() => cp.execFileSync('touch', [marker('stdio-throws')], Object.assign(Object.create(throwing) as object, { argv0: 42 })), { code: 'ERR_INVALID_ARG_TYPE' }, 'a bad argv0: rejected before Node reads stdio');
  t.equal(reads, 3, 'read once per call that gets that far');
  t.notOk(existsSync(marker('stdio-throws')), 'nothing ran');
  // An inherited value counts for Node's "echo the child's stderr" decision (here: do not), not for the child's own stdio.
  const echoed: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown) => echoed.push(String(chunk)) > 0) as typeof process.stderr.write;
  let out: string;
  try {
    out = String(cp.execFileSync('sh', ['-c', 'echo out; echo err >&2'], Object.create({ stdio: 'pipe' }) as object));
  } finally {
    process.stderr.write = write;
  }
  t.equal(out, 'out\n');
  t.same(echoed, [], "the child's stderr is not echoed, as without Palisade");
});

t.test('options are read once: a getter cannot change them after the check', async (t) => {
  usePolicy(t, POLICY);
  let reads = 0;
  const options = {
    get shell() {
      reads++;
      return reads === 1 ? false : true;
    },
  };
  const r = cp.spawnSync('echo', ['a;', 'touch', marker('getter')], options);
  t.equal(reads, 1);
  t.equal(String(r.stdout), 'a; touch ' + marker('getter') + '\n', 'ran without a shell, as checked');
  t.notOk(existsSync(marker('getter')));
});

t.test('environment: code-injecting variables need spawn.env', async (t) => {
  usePolicy(t, { ...POLICY, spawn: { env: ['PYTHONPATH'] } });
  t.match(cp.spawnSync('echo', ['x'], { env: { ...process.env, LD_PRELOAD: '/x.so' } }).error, { rule: 'spawn.env', target: /\/echo x/ });
  t.match(cp.spawnSync('echo', ['x'], { env: { ...process.env, DYLD_INSERT_LIBRARIES: '/x' } }).error, { rule: 'spawn.env' });
  t.match(cp.spawnSync('echo', ['x'], { env: { ...process.env, BASH_FUNC_echo: '() { id; }' } }).error, { rule: 'spawn.env' });
  t.equal(cp.spawnSync('echo', ['x'], { env: { ...process.env, PYTHONPATH: '/x' } }).error, undefined, 'listed in spawn.env');
  t.equal(cp.spawnSync('echo', ['x'], { env: { PATH: process.env.PATH } }).error, undefined);
  process.env.LD_PRELOAD = '/late.so';
  t.teardown(() => delete process.env.LD_PRELOAD);
  t.match(cp.spawnSync('echo', ['x']).error, { rule: 'spawn.env' }, 'set in process.env after start: smuggled');
});

t.test('propagation: a CommonJS preload goes first with --require, quoted for NODE_OPTIONS, before the child\'s own -r', async (t) => {
  const spaced = join(dir, 'a dir "q"');
  mkdirSync(spaced, { recursive: true });
  const preload = join(spaced, 'register.cjs');
  writeFileSync(preload, 'process.stdout.write("PRELOADED\\n");\n');
  writeFileSync(join(dir, 'own.cjs'), 'process.stdout.write("OWN\\n");\n');
  setChildPreload(preload);
  t.teardown(() => setChildPreload(undefined));
  usePolicy(t, POLICY);
  const out = String(cp.execFileSync(process.execPath, ['-r', join(dir, 'own.cjs'), '-e', 'console.log(process.env.NODE_OPTIONS)'], { env: { ...process.env, PALISADE_MODE: 'monitor' } }));
  const [first, second, third] = out.split('\n');
  t.equal(first, 'PRELOADED', 'the preload ran first');
  t.equal(second, 'OWN', "then the child's own --require");
  // Node read the quoted path (the preload ran); so does Palisade's own reading of NODE_OPTIONS.
  t.same(splitNodeOptions(third!).slice(0, 2), ['--require', preload]);
});

t.test('propagation: children get the preload and this policy', async (t) => {
  const preload = join(dir, 'preload.mjs');
  writeFileSync(preload, 'process.stdout.write(`PRELOADED:${process.env.PALISADE_POLICY}\\n`);\n');
  setChildPreload(preload);
  t.teardown(() => setChildPreload(undefined));
  usePolicy(t, POLICY);
  const out = String(cp.execFileSync(process.execPath, ['-e', 'console.log(process.env.NODE_OPTIONS)'], { env: { ...process.env, PALISADE_MODE: 'monitor' } }));
  const [first, second] = out.split('\n');
  const policyFile = first!.replace('PRELOADED:', '');
  // (the test runner adds its own entries after Palisade's)
  t.match(second, /^"?--import"? "?file:\/\/[^ ]*preload\.mjs/, 'the preload comes first');
  t.match(JSON.parse(readFileSync(policyFile, 'utf8')), { version: 1, mode: 'enforce', allow: POLICY.allow, audit: false });
  t.equal(String(cp.execFileSync(process.execPath, ['-e', 'console.log(process.env.PALISADE_MODE ?? "unset")'])).split('\n')[1], 'unset', 'PALISADE_MODE removed');
  const fromShell = String(cp.execSync(`${JSON.stringify(process.execPath)} -e 0`));
  t.match(fromShell, /^PRELOADED:/, 'through a shell too');
  t.match(cp.spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--require /x.cjs' } }).error, { rule: 'spawn.env' }, 'a NODE_OPTIONS of the app is smuggling');
  t.match(cp.spawnSync('sh', ['-c', `env -i ${JSON.stringify(process.execPath)} -e 0`]).error, { target: /^@dynamic node/ }, 'a node child stripped of the preload');
});

t.test('propagation off: inline node code is opaque', async (t) => {
  setChildPreload(join(dir, 'preload.mjs'));
  t.teardown(() => setChildPreload(undefined));
  usePolicy(t, { ...POLICY, spawn: { propagate: false } });
  t.match(cp.spawnSync(process.execPath, ['-e', '0']).error, { target: /^@dynamic node 0$/ });
  writeFileSync(join(dir, 'script.js'), 'console.log(process.env.NODE_OPTIONS ?? "none", process.env.PALISADE_POLICY ?? "none")');
  const out = String(cp.execFileSync(process.execPath, [join(dir, 'script.js')], { env: { PATH: process.env.PATH } }));
  t.notMatch(out, /preload\.mjs/, 'a script runs, without the preload');
  t.match(out, / none\n$/);
});
