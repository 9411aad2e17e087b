/**
 * From one spawn to every command it can run: the executable itself, then
 * whatever that program runs by its arguments (shell text, `env`/`nohup`/
 * `timeout`/`xargs`/`sudo`… wrappers, `find -exec`, `busybox` applets),
 * recursively. Each becomes a CommandTarget the guard must allow.
 *
 * What cannot be known from the text (command substitution results in command
 * position, variables run as commands, `eval` of computed text, sourced files,
 * inline code for an interpreter Palisade does not protect…) becomes the
 * pseudo-command `@dynamic <kind> <text>`: it runs only if the policy allows
 * `@dynamic` (e.g. `{"command": "@dynamic", "args": ["sh", "*"]}`).
 */
import type { CommandTarget } from '@palisade/core';
import { SPAWN_DEFAULT_PATH, basenameOf, realBaseName, realPathOf, resolveExecutable, resolvePath } from './command.js';
import { interpreterOpaque, parseNodeArgs } from './command-interpreters.js';
import { type Dialect, type ProgramKind, findExecs, gitOpaque, parseShellArgs, programKind } from './command-programs.js';
import { type WrapperRun, parseWrapper } from './command-wrappers.js';
import { EnvView, UNKNOWN } from './env-view.js';
import { analyzeScript } from './shell-analysis.js';

export const DYNAMIC = '@dynamic';
/** Stands for the arguments xargs reads from standard input. */
export const STDIN_ARGS = '<stdin>';
const MAX_TARGETS = 64;
const MAX_DEPTH = 10;
/** PATH the exec family (env, find, xargs…) uses when none is set. */
const EXECVP_DEFAULT_PATH = '/bin:/usr/bin';
/** What sudo and doas search (secure_path). */
const SECURE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const NODE_REAL_PATH = realPathOf(process.execPath);

export interface Propagation {
  /** Child Node processes get Palisade preloaded (spawn.propagate and a known preload). */
  readonly active: boolean;
  /** `env` still carries the preload and the policy unchanged. */
  intact(env: EnvView): boolean;
  /** The preload is an `--import` (a child's own `-r` modules would run before it). */
  readonly viaImport: boolean;
}

export interface AnalysisOptions {
  readonly propagation: Propagation;
  /** A variable that can inject code into a child (NODE_OPTIONS, LD_PRELOAD…). */
  readonly isInjectionName: (name: string) => boolean;
  /** Code-injecting names a `node --env-file` would set; undefined when unreadable. */
  readonly envFileNames?: (absolutePath: string) => readonly string[] | undefined;
}

export interface Where {
  readonly env: EnvView;
  readonly cwd: string | undefined;
  readonly depth: number;
}

export interface Analysis {
  readonly targets: readonly CommandTarget[];
  /** Absolute path of the top-level executable; undefined when not found on PATH. */
  readonly executable: string | undefined;
}

/** Everything `file args…` runs when started with `env` in `cwd`. */
export function analyzeCommand(file: string, argv0: string | undefined, args: readonly string[], env: EnvView, cwd: string | undefined, opts: AnalysisOptions): Analysis {
  const a = new Analyzer(opts);
  const where: Where = { env, cwd, depth: 0 };
  const resolved = resolveExecutable(file, pathOf(env), cwd, SPAWN_DEFAULT_PATH);
  if (resolved === null) {
    a.dynamic(where, 'spawn', [file, ...args].join(' '));
    return { targets: a.out, executable: undefined };
  }
  a.program(where, file, resolved, argv0 ?? file, args);
  return { targets: a.out, executable: resolved };
}

export function pathOf(env: EnvView): string | null | undefined {
  const v = env.get('PATH');
  return v === UNKNOWN ? null : v;
}

export class Analyzer {
  readonly out: CommandTarget[] = [];
  private full = false;

  constructor(readonly opts: AnalysisOptions) {}

  push(executable: string, args: readonly string[], env: EnvView, extraEnv?: readonly string[]): void {
    if (this.out.length >= MAX_TARGETS) {
      if (!this.full) {
        this.full = true;
        this.out.push({ executable: DYNAMIC, args: ['limit', `more than ${MAX_TARGETS} commands`], env: undefined });
      }
      return;
    }
    let names = env.taintedList();
    if (extraEnv && extraEnv.length > 0) names = [...new Set([...(names ?? []), ...extraEnv])].sort();
    // `env` always set: an inherited (polluted) Object.prototype.env must not be read in its place.
    this.out.push({ executable, args, env: names });
  }

  dynamic(where: Where, kind: string, text: string): void {
    this.push(DYNAMIC, [kind, text], where.env);
  }

  /**
   * A command resolved (or not found: `resolved` undefined) in `where`;
   * `kindName` forces the program kind. `opaqueArgs` (the command's text)
   * says some arguments are only known at run time: harmless for most
   * programs, but for one that runs what its arguments say it is opaque.
   */
  program(where: Where, name: string, resolved: string | undefined, argv0: string, args: readonly string[], kindName?: string, opaqueArgs?: string): void {
    if (this.full) return;
    const exe = resolved ?? name;
    const kind = this.kindOf(exe, resolved, kindName);
    const label = basenameOf(exe);
    if (kind && opaqueArgs !== undefined) {
      this.push(exe, args, where.env);
      return this.dynamic(where, label, opaqueArgs);
    }
    if (kind?.kind === 'node') return this.node(where, exe, args);
    this.push(exe, args, where.env);
    if (!kind) return;
    if (where.depth >= MAX_DEPTH) return this.dynamic(where, label, args.join(' '));
    const inner: Where = { ...where, depth: where.depth + 1 };
    switch (kind.kind) {
      case 'shell':
        return this.shell(inner, kind.dialect, label, args);
      case 'foreign-shell':
        return this.dynamic(where, label, args.join(' ') || '-');
      case 'wrapper':
        return this.wrapper(inner, kind.name, args);
      case 'interpreter': {
        const text = interpreterOpaque(kind.lang, args);
        if (text !== undefined) this.dynamic(where, kind.lang, text);
        return;
      }
      case 'find':
        for (const cmd of findExecs(args)) this.exec(inner, cmd, EXECVP_DEFAULT_PATH);
        return;
      case 'git': {
        const text = gitOpaque(args);
        if (text !== undefined) this.dynamic(where, 'git', text);
        return;
      }
      case 'multicall':
        return this.multicall(inner, exe, argv0, args);
    }
  }

  private kindOf(exe: string, resolved: string | undefined, kindName: string | undefined): ProgramKind | undefined {
    if (kindName !== undefined) return programKind(kindName);
    const base = basenameOf(exe);
    const real = resolved !== undefined ? realBaseName(resolved) : base;
    if (real === 'busybox' || real === 'toybox' || base === 'busybox' || base === 'toybox') return { kind: 'multicall' };
    if (resolved !== undefined && NODE_REAL_PATH !== undefined && realPathOf(resolved) === NODE_REAL_PATH) return { kind: 'node' };
    return programKind(real) ?? programKind(base);
  }

  /** Runs argv through an exec-family lookup (no shell): env, nohup, find -exec and the like */
  exec(where: Where, argv: readonly string[], defaultPath: string, stdinArgs = false): void {
    const name = argv[0];
    if (name === undefined) return;
    const resolved = resolveExecutable(name, pathOf(where.env), where.cwd, defaultPath);
    if (resolved === null) return this.dynamic(where, 'exec', argv.join(' '));
    let args = argv.slice(1);
    if (stdinArgs) {
      // Arguments read at run time could turn a shell, wrapper or interpreter into anything.
      if (this.kindOf(resolved ?? name, resolved, undefined)) return this.dynamic(where, 'xargs', argv.join(' '));
      args = [...args, STDIN_ARGS];
    }
    this.program(where, name, resolved, name, args);
  }

  private shell(where: Where, dialect: Dialect, label: string, args: readonly string[]): void {
    const run = parseShellArgs(args);
    if (run.rcfile !== undefined) this.dynamic(where, label, `--rcfile ${run.rcfile}`);
    if ('script' in run) return analyzeScript(this, where, run.script, dialect, label);
    if ('file' in run) return this.dynamic(where, label, where.cwd !== undefined ? resolvePath(where.cwd, run.file) : run.file);
    if ('stdin' in run) return this.dynamic(where, label, '-');
  }

  private wrapper(where: Where, name: Parameters<typeof parseWrapper>[0], args: readonly string[]): void {
    const run: WrapperRun = parseWrapper(name, args);
    if (run.opaque !== undefined) return this.dynamic(where, name, run.opaque);
    let env = where.env;
    let defaultPath = EXECVP_DEFAULT_PATH;
    if (run.resetEnv) {
      env = env.cleared().with('PATH', SECURE_PATH, false);
      defaultPath = SECURE_PATH;
    }
    if (run.env) {
      if (run.env.clear) env = env.cleared();
      for (const n of run.env.unset) env = env.without(n);
      for (const [n, v] of run.env.set) env = env.with(n, v, this.taints(n));
    }
    let cwd = where.cwd;
    if (run.chdir !== undefined) cwd = run.chdir.startsWith('/') ? resolvePath(run.chdir) : cwd === undefined ? undefined : resolvePath(cwd, run.chdir);
    const next: Where = { env, cwd, depth: where.depth };
    if (run.shellText !== undefined) {
      const sh = resolveExecutable('/bin/sh', undefined, cwd, defaultPath) ?? '/bin/sh';
      this.push(sh, ['-c', run.shellText], env);
      return analyzeScript(this, next, run.shellText, 'posix', 'sh');
    }
    if (run.argv) this.exec(next, run.argv, defaultPath, run.stdinArgs === true);
  }

  private multicall(where: Where, exe: string, argv0: string, args: readonly string[]): void {
    let applet = basenameOf(argv0);
    let rest = args;
    if (applet === 'busybox' || applet === 'toybox' || applet === basenameOf(exe)) {
      applet = args[0] ?? '';
      rest = args.slice(1);
    }
    if (!applet || applet.startsWith('-')) return;
    // The applet is the multi-call binary acting as that program: checked under the program's name.
    const dir = exe.includes('/') ? exe.slice(0, exe.lastIndexOf('/')) || '/' : '';
    const virtual = dir ? `${dir === '/' ? '' : dir}/${applet}` : applet;
    this.program(where, applet, virtual, applet, rest, applet);
  }

  private node(where: Where, exe: string, args: readonly string[]): void {
    const run = parseNodeArgs(args);
    const extra: string[] = [];
    for (const f of run.envFiles) {
      const abs = f.startsWith('/') ? resolvePath(f) : where.cwd !== undefined ? resolvePath(where.cwd, f) : undefined;
      const names = abs !== undefined ? this.opts.envFileNames?.(abs) : undefined;
      if (names === undefined) {
        if (abs === undefined) this.dynamic(where, 'node', `--env-file ${f}`);
        continue;
      }
      extra.push(...names);
    }
    this.push(exe, args, where.env, extra);
    if (run.inert) return;
    const p = this.opts.propagation;
    const protectedChild = p.active && p.intact(where.env);
    for (const o of run.outside) this.dynamic(where, 'node', o);
    if (protectedChild && p.viaImport) for (const r of run.requires) this.dynamic(where, 'node', `--require ${r}`);
    if (protectedChild) return;
    if (run.code !== undefined) this.dynamic(where, 'node', run.code);
    else if (run.stdin) this.dynamic(where, 'node', '-');
    else if (p.active && run.script !== undefined) this.dynamic(where, 'node', `${run.script} (without Palisade: its environment drops the preload)`);
  }

  /** Variables whose setting by the analysed text counts as smuggling. */
  taints(name: string): boolean {
    return this.opts.isInjectionName(name) || name.startsWith('PALISADE_');
  }
}

export { EnvView };
