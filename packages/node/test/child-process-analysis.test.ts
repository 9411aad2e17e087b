/**
 * From a spawn to every command it can run, as pure functions over a fake
 * bin directory: shells, wrappers, interpreters, PATH and working-directory
 * changes, and what stays opaque (@dynamic).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { CommandTarget } from '@palisade/core';
import { type Propagation, analyzeCommand } from '../src/normalize/command-analysis.js';
import { EnvView } from '../src/normalize/env-view.js';
import { envFileInjectionNames, isInjectionName } from '../src/sensors/child-process-env.js';

const root = mkdtempSync(join(tmpdir(), 'palisade-cp-analysis-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const BIN = join(root, 'bin');
const EVIL = join(root, 'evil');
const WORK = join(root, 'work');
for (const d of [BIN, EVIL, WORK]) mkdirSync(d);
const PROGRAMS = [
  'git', 'curl', 'wget', 'cat', 'grep', 'rm', 'cp', 'ls', 'sh', 'bash', 'dash', 'zsh', 'fish', 'env', 'nohup', 'timeout', 'nice', 'xargs',
  'sudo', 'busybox', 'node', 'python3', 'perl', 'ruby', 'awk', 'find', 'watch', 'chroot', 'stdbuf', 'setsid',
];
for (const p of PROGRAMS) {
  writeFileSync(join(BIN, p), '#!/bin/sh\n');
  chmodSync(join(BIN, p), 0o755);
}
writeFileSync(join(EVIL, 'git'), '#!/bin/sh\n');
chmodSync(join(EVIL, 'git'), 0o755);
writeFileSync(join(EVIL, 'not-executable'), '');
writeFileSync(join(WORK, 'tool'), '#!/bin/sh\n');
chmodSync(join(WORK, 'tool'), 0o755);
writeFileSync(join(WORK, 'bad.env'), 'FOO=1\nexport LD_PRELOAD=/x.so\nNODE_OPTIONS="--require x"\n');

const OFF: Propagation = { active: false, intact: () => false, viaImport: true };
const ON: Propagation = { active: true, intact: (env) => env.get('NODE_OPTIONS') === 'OURS', viaImport: true };

interface Opts {
  env?: Record<string, string>;
  tainted?: string[];
  cwd?: string;
  argv0?: string;
  propagation?: Propagation;
}

function show(tg: CommandTarget): string {
  const text = [tg.executable, ...tg.args].join(' ').split(BIN).join('BIN').split(EVIL).join('EVIL').split(WORK).join('WORK');
  return tg.env ? `${text} [env:${tg.env.join(',')}]` : text;
}

function run(argv: string[], o: Opts = {}): string[] {
  const env = EnvView.of(o.env ?? { PATH: BIN, HOME: WORK }, o.tainted ?? []);
  const opts = {
    propagation: o.propagation ?? OFF,
    isInjectionName,
    envFileNames: (f: string) => {
      try {
        return envFileInjectionNames(readFileSync(f, 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
  return analyzeCommand(argv[0]!, o.argv0, argv.slice(1), env, o.cwd ?? WORK, opts).targets.map(show);
}

t.test('the executable is resolved through the PATH the child gets', async (t) => {
  t.same(run(['git', 'status']), ['BIN/git status']);
  t.same(run(['git'], { env: { PATH: `${EVIL}:${BIN}` } }), ['EVIL/git'], 'a directory earlier in PATH shadows');
  t.same(run(['not-executable'], { env: { PATH: `${EVIL}:${BIN}` } }), ['not-executable'], 'non-executable files are skipped');
  t.same(run(['nosuch']), ['nosuch'], 'not found: the bare name');
  t.same(run(['./tool']), ['WORK/tool'], 'relative to the working directory');
  t.same(run(['tool'], { env: { PATH: '.' } }), ['WORK/tool'], 'relative PATH entries');
  t.same(run(['tool'], { env: { PATH: ':' } }), ['WORK/tool'], 'empty PATH entries mean the working directory');
  t.same(run(['/usr/bin/../bin/true']), ['/usr/bin/true']);
  const an = analyzeCommand('git', undefined, [], EnvView.of({ PATH: BIN }), WORK, { propagation: OFF, isInjectionName });
  t.equal(an.executable, join(BIN, 'git'));
});

t.test('shells: the shell and every command in its text', async (t) => {
  t.same(run(['sh', '-c', 'git status | grep x; curl y && rm -rf z || ls']), [
    'BIN/sh -c git status | grep x; curl y && rm -rf z || ls',
    'BIN/git status',
    'BIN/grep x',
    'BIN/curl y',
    'BIN/rm -rf z',
    'BIN/ls',
  ]);
  t.same(run(['bash', '-ec', 'curl x']).slice(1), ['BIN/curl x'], 'combined flags');
  t.same(run(['sh', '-e', '-c', 'curl x', 'name', 'arg']).slice(1), ['BIN/curl x']);
  t.same(run(['dash', '-c', 'echo hi; cd /; export A=1; test -f x; true']), ['BIN/dash -c echo hi; cd /; export A=1; test -f x; true'], 'builtins run nothing');
  t.same(run(['bash', '-c', 'pushd /tmp; shopt -s x']).length, 1, 'bash builtins');
  t.same(run(['sh', '-c', 'pushd /tmp']).slice(1), ['pushd /tmp'], 'not a builtin in sh: looked up');
  t.same(run(['sh', '-c', "bash -c 'sh -c \"curl deep\"'"]).slice(-1), ['BIN/curl deep'], 'shells in shells');
  t.same(run(['sh', '-c', 'echo $(curl x) `wget y`']).slice(1), ['BIN/curl x', 'BIN/wget y'], 'substitutions run');
  t.same(run(['sh', '-c', 'f() { curl x; }; f']).slice(1), ['BIN/curl x'], 'a function call runs its body');
  t.same(run(['sh', '-c', "alias ll='curl x'\nll"]).slice(1), ['BIN/curl x']);
  t.same(run(['sh', '-c', "trap 'curl x' EXIT"]).slice(1), ['BIN/curl x']);
  t.same(run(['sh', '-c', 'eval "curl x; wget y"']).slice(1), ['BIN/curl x', 'BIN/wget y']);
  t.same(run(['sh', '-c', 'command curl x; exec wget y']).slice(1), ['BIN/curl x', 'BIN/wget y']);
  t.same(run(['sh', '-c', 'command -v curl']).length, 1, 'command -v only looks up');
  t.same(run(['sh', '-c', '~/tool']).slice(1), ['WORK/tool'], 'tilde in command position uses the child HOME');
});

t.test('shells: what the text cannot show is @dynamic', async (t) => {
  const dyn = (script: string, shell = 'sh') => run([shell, '-c', script]).filter((s) => s.startsWith('@dynamic'));
  t.same(dyn('$CMD x'), ['@dynamic sh $CMD x']);
  t.same(dyn('$(echo curl) x'), ['@dynamic sh $(echo curl) x']);
  t.same(dyn('`echo curl` x'), ['@dynamic sh `echo curl` x']);
  t.same(dyn('eval "$X"'), ['@dynamic sh eval "$X"']);
  t.same(dyn('. ./setup.sh'), ['@dynamic sh . ./setup.sh']);
  t.same(dyn('source ./setup.sh', 'bash'), ['@dynamic bash source ./setup.sh']);
  t.same(dyn('source ./setup.sh'), ['@dynamic sh source ./setup.sh'], 'opaque whichever shell /bin/sh is');
  t.same(dyn('cur? x'), ['@dynamic sh cur? x'], 'glob in command position');
  t.same(dyn('{cu,}rl x', 'bash'), ['@dynamic bash {cu,}rl x'], 'brace expansion');
  t.same(dyn('=curl x', 'zsh'), ['@dynamic zsh =curl x'], 'zsh =cmd');
  t.same(dyn("$'\\x63url' x", 'bash'), ["@dynamic bash $'\\x63url' x"]);
  t.same(dyn('echo $((1+2))'), ['@dynamic sh echo $((1+2))'], 'arithmetic');
  t.same(dyn('((x++))', 'bash'), ['@dynamic bash ((x++))'], 'unparseable: the whole text');
  t.same(dyn("printf -v 'a[$(id)]' x", 'bash'), ["@dynamic bash printf -v 'a[$(id)]' x"]);
  t.same(dyn("PS4='$(curl x)'"), ["@dynamic sh PS4='$(curl x)'"]);
  t.same(dyn('declare -i x=y', 'bash'), ['@dynamic bash declare -i x=y']);
  t.same(dyn('hash -p /tmp/x git', 'bash'), ['@dynamic bash hash -p /tmp/x git']);
  t.same(dyn("echo 'unterminated"), ["@dynamic sh echo 'unterminated"]);
  t.same(dyn('echo $HOME; ls "$PWD"; cat *.txt'), [], 'computed arguments of an ordinary program are fine');
  t.same(dyn('env $X'), ['@dynamic env env $X'], 'computed arguments of a program that runs its arguments');
  t.same(dyn('sh -c "$CMD"'), ['@dynamic sh sh -c "$CMD"']);
  t.same(dyn('git $FLAGS status'), ['@dynamic git git $FLAGS status']);
  t.same(run(['sh', 'script.sh']), ['BIN/sh script.sh', '@dynamic sh WORK/script.sh'], 'a script file');
  t.same(run(['sh']), ['BIN/sh', '@dynamic sh -'], 'standard input');
  t.same(run(['bash', '-s']), ['BIN/bash -s', '@dynamic bash -']);
  t.same(run(['fish', '-c', 'curl x']), ['BIN/fish -c curl x', '@dynamic fish -c curl x'], 'other shell languages');
  t.same(run(['sh', '-c']), ['BIN/sh -c'], '-c without text runs nothing');
  t.same(run(['bash', '--rcfile', 'x.sh', '-i', '-c', 'true']).slice(1), ['@dynamic bash --rcfile x.sh'], 'a startup file');
  t.same(run(['bash', '-c', 'echo x > /dev/tcp/10.0.0.1/80']).slice(1), ['@dynamic bash echo x > /dev/tcp/10.0.0.1/80'], 'bash network redirection');
});

t.test('shells: PATH, working directory and exported variables are followed', async (t) => {
  t.same(run(['sh', '-c', `PATH=${EVIL} git`]).slice(1), ['EVIL/git']);
  t.same(run(['sh', '-c', `export PATH=${EVIL}; git; ls`]).slice(1), ['EVIL/git', 'ls']);
  t.same(run(['sh', '-c', `PATH=${EVIL}:$PATH; git; ls`]).slice(1), ['EVIL/git', 'BIN/ls']);
  t.same(run(['sh', '-c', 'PATH=$(mktemp -d); git']).slice(-1), ['@dynamic sh git'], 'computed PATH');
  t.match(run(['sh', '-c', 'unset PATH; ls']).slice(1), [/^(\/usr)?(\/local)?\/s?bin\/ls$/], 'default PATH once unset');
  t.same(run(['sh', '-c', `cd ${EVIL} && ./git`]).slice(1), ['EVIL/git']);
  t.same(run(['sh', '-c', 'cd "$X" && ./git']).slice(1), ['@dynamic sh ./git']);
  t.same(run(['sh', '-c', 'LD_PRELOAD=/x.so git']).slice(1), ['BIN/git [env:LD_PRELOAD]']);
  t.same(run(['sh', '-c', 'export NODE_OPTIONS="-r x"; git; ls']).slice(1), ['BIN/git [env:NODE_OPTIONS]', 'BIN/ls [env:NODE_OPTIONS]']);
  t.same(run(['sh', '-c', 'LD_PRELOAD=/x.so git; ls']).slice(1), ['BIN/git [env:LD_PRELOAD]', 'BIN/ls'], 'prefix assignments are per command');
  t.same(run(['sh', '-c', 'git'], { env: { PATH: BIN, LD_PRELOAD: 'x' }, tainted: ['LD_PRELOAD'] }), ['BIN/sh -c git [env:LD_PRELOAD]', 'BIN/git [env:LD_PRELOAD]']);
  t.same(run(['sh', '-c', 'PALISADE_MODE=monitor git']).slice(1), ['BIN/git [env:PALISADE_MODE]']);
});

t.test('wrappers run what follows their options', async (t) => {
  t.same(run(['env', 'sh', '-c', 'curl x']), ['BIN/env sh -c curl x', 'BIN/sh -c curl x', 'BIN/curl x']);
  t.same(run(['env', '-i', `PATH=${EVIL}`, 'git']).slice(1), ['EVIL/git']);
  t.match(run(['env', '-i', 'ls']).slice(1), [/^\/(usr\/)?bin\/ls$/], 'no PATH after -i: the default one');
  t.match(run(['env', '-u', 'PATH', '--', 'ls']).slice(1), [/^\/(usr\/)?bin\/ls$/]);
  t.same(run(['env', 'LD_PRELOAD=/x.so', 'git']).slice(1), ['BIN/git [env:LD_PRELOAD]']);
  t.same(run(['env', '-C', EVIL, './git']).slice(1), ['EVIL/git']);
  t.same(run(['env', '-S', 'curl x']).slice(1), ['@dynamic env -S curl x']);
  t.same(run(['env']), ['BIN/env']);
  t.same(run(['nohup', 'curl', 'x']).slice(1), ['BIN/curl x']);
  t.same(run(['timeout', '-s', 'KILL', '-k', '1', '5', 'curl', 'x']).slice(1), ['BIN/curl x']);
  t.same(run(['timeout', '--signal=KILL', '5s', 'curl']).slice(1), ['BIN/curl']);
  t.same(run(['nice', '-n', '5', 'curl']).slice(1), ['BIN/curl']);
  t.same(run(['nice', '-10', 'curl']).slice(1), ['BIN/curl']);
  t.same(run(['setsid', '-f', 'curl']).slice(1), ['BIN/curl']);
  t.same(run(['stdbuf', '-oL', '-e', '0', 'curl']).slice(1), ['BIN/curl']);
  t.same(run(['xargs', 'rm', '-f']).slice(1), ['BIN/rm -f <stdin>']);
  t.same(run(['xargs', '-0', '-n', '1', 'rm']).slice(1), ['BIN/rm <stdin>']);
  t.same(run(['xargs', '-I{}', 'cp', '{}', '/x']).slice(1), ['BIN/cp {} /x']);
  t.same(run(['xargs', 'sh', '-c']).slice(1), ['@dynamic xargs sh -c'], 'stdin arguments to a shell');
  t.same(run(['xargs']).slice(1), ['echo <stdin>'], 'echo by default');
  t.match(run(['sudo', '-u', 'root', 'ls', 'x']).slice(1), [/^(\/usr)?(\/local)?\/s?bin\/ls x$/], 'sudo: secure_path, reset environment');
  t.match(run(['sudo', '-s', 'ls x']).slice(-1), [/^(\/usr)?(\/local)?\/s?bin\/ls x$/]);
  t.same(run(['sudo', '-l']), ['BIN/sudo -l']);
  t.same(run(['timeout', '--bogus', '5', 'curl']).slice(1), ['@dynamic timeout --bogus 5 curl'], 'unknown options: opaque');
  t.match(run(['watch', '-n', '1', 'curl', 'x']).slice(1), [/^\/(usr\/)?bin\/sh -c curl x$/, 'BIN/curl x']);
  t.same(run(['chroot', '/jail', 'curl']).slice(1), ['@dynamic chroot /jail curl']);
  t.same(run(['find', '.', '-name', '*.log', '-exec', 'rm', '{}', ';', '-execdir', 'curl', '{}', '+']).slice(1), ['BIN/rm {}', 'BIN/curl {}']);
});

t.test('busybox applets are checked under their own names', async (t) => {
  t.same(run(['busybox', 'wget', 'x']), ['BIN/busybox wget x', 'BIN/wget x']);
  t.same(run(['busybox', 'sh', '-c', 'curl x']), ['BIN/busybox sh -c curl x', 'BIN/sh -c curl x', 'BIN/curl x']);
  t.same(run(['busybox', 'x'], { argv0: 'wget' }).slice(1), ['BIN/wget x'], 'applet chosen by argv[0]');
  t.same(run(['busybox']), ['BIN/busybox']);
  t.same(run(['bash', '-c', 'exec -a wget busybox x']).slice(-1), ['BIN/wget x'], 'exec -a names the applet');
});

t.test('interpreters given code inline are @dynamic', async (t) => {
  t.same(run(['python3', '-c', 'import os']).slice(1), ['@dynamic python import os']);
  t.same(run(['python3', '-Bc', 'x=1']).slice(1), ['@dynamic python x=1']);
  t.same(run(['python3', '-m', 'http.server']).length, 1);
  t.same(run(['python3', 'script.py']).length, 1);
  t.same(run(['python3']).slice(1), ['@dynamic python -']);
  t.same(run(['perl', '-ne', 'print']).slice(1), ['@dynamic perl print']);
  t.same(run(['perl', "-MPOSIX;system('id')", 'x.pl']).slice(1), ["@dynamic perl -MPOSIX;system('id')"]);
  t.same(run(['perl', '-MJSON', 'x.pl']).length, 1);
  t.same(run(['ruby', '-e', 'puts 1']).slice(1), ['@dynamic ruby puts 1']);
  t.same(run(['awk', '{print $1}', 'f']).length, 1, 'plain awk program');
  t.same(run(['awk', 'BEGIN{system("id")}']).slice(1), ['@dynamic awk BEGIN{system("id")}']);
  t.same(run(['awk', '{print | "sh"}']).slice(1), ['@dynamic awk {print | "sh"}']);
  t.same(run(['git', '-c', 'core.sshCommand=curl x', 'fetch']).slice(1), ['@dynamic git -c core.sshCommand=curl x']);
  t.same(run(['git', '-c', 'user.name=x', 'commit']).length, 1, 'harmless git settings');
  t.same(run(['git', 'clone', '--upload-pack=curl x', 'r']).slice(1), ['@dynamic git --upload-pack=curl x']);
});

t.test('Node children: protected when propagation reaches them', async (t) => {
  const protectedEnv = { PATH: BIN, NODE_OPTIONS: 'OURS' };
  t.same(run(['node', '-e', 'code'], { propagation: ON, env: protectedEnv }), ['BIN/node -e code'], 'inline code runs under Palisade');
  t.same(run(['node', '-e', 'code']).slice(1), ['@dynamic node code'], 'propagation off: inline code is opaque');
  t.same(run(['node', 'app.js']).length, 1, 'propagation off: a script is like any program');
  t.same(run(['node']).slice(1), ['@dynamic node -']);
  t.same(run(['node', '-p', '1']).slice(1), ['@dynamic node 1']);
  t.same(run(['node', '--eval=x']).slice(1), ['@dynamic node x']);
  t.same(run(['node', '-pe', 'x']).slice(1), ['@dynamic node x']);
  t.same(run(['env', '-i', 'node', 'app.js'], { propagation: ON, env: protectedEnv }).slice(-1), ['@dynamic node app.js (without Palisade: its environment drops the preload)']);
  t.same(run(['sh', '-c', 'unset NODE_OPTIONS; node -e x'], { propagation: ON, env: protectedEnv }).slice(-1), ['@dynamic node x']);
  t.same(run(['node', '--loader', './hooks.mjs', 'app.js'], { propagation: ON, env: protectedEnv }).slice(1), ['@dynamic node --loader ./hooks.mjs']);
  t.same(run(['node', '--inspect=0.0.0.0:9229', 'app.js'], { propagation: ON, env: protectedEnv }).slice(1), ['@dynamic node --inspect=0.0.0.0:9229']);
  t.same(run(['node', '-r', './pre.cjs', 'app.js'], { propagation: ON, env: protectedEnv }).slice(1), ['@dynamic node --require ./pre.cjs'], '-r runs before an --import preload');
  t.same(run(['node', '-r', './pre.cjs', 'app.js'], { propagation: { ...ON, viaImport: false }, env: protectedEnv }).slice(1), [], 'and after a --require preload: protected like the rest of the child');
  t.same(run(['node', '--run', 'build'], { propagation: ON, env: protectedEnv }).slice(1), ['@dynamic node --run build']);
  t.same(run(['node', '--env-file=bad.env', 'app.js'], { propagation: ON, env: protectedEnv }), ['BIN/node --env-file=bad.env app.js [env:LD_PRELOAD,NODE_OPTIONS]']);
  t.same(run(['node', '--version']).length, 1);
  t.same(run([process.execPath, '-e', 'x'], { env: { PATH: BIN } }).map((s) => s.replace(process.execPath, 'NODE')), ['NODE -e x', '@dynamic node x'], 'process.execPath is node');
});

t.test('limits: huge scripts and deep nesting end as @dynamic', async (t) => {
  const many = Array.from({ length: 100 }, (_, i) => `curl ${i}`).join('; ');
  const out = run(['sh', '-c', many]);
  t.equal(out.length, 65);
  t.equal(out[64], '@dynamic limit more than 64 commands');
  let nested = 'curl x';
  for (let i = 0; i < 14; i++) nested = `sh -c ${JSON.stringify(nested)}`;
  t.ok(run(['sh', '-c', nested]).some((s) => s.startsWith('@dynamic')), 'too deep');
});
