/**
 * What a shell script runs, command by command, tracking what the script
 * itself changes on the way (PATH, the working directory, exported
 * variables, aliases and functions). Builtins that run no program are
 * skipped; builtins that evaluate text (`eval`, `trap`, `alias`) are analysed
 * recursively; builtins that run something unknowable (`source`, `.`, `let`,
 * `hash -p`…) are opaque. Every other command is resolved and handed back to
 * the analyzer, so shells inside shells and wrappers inside scripts are seen
 * through too.
 */
import type { Analyzer, Where } from './command-analysis.js';
import { resolveExecutable, resolvePath } from './command.js';
import type { Dialect } from './command-programs.js';
import { type EnvValue, type EnvView, UNKNOWN } from './env-view.js';
import { type ParsedScript, type SimpleCommand, parseShell } from './shell-parse.js';
import { type Word, lexWord } from './shell-lex.js';

/** Builtins of every POSIX shell (a program of the same name is never looked up). */
const POSIX_BUILTINS = new Set([
  ':', 'true', 'false', 'echo', 'printf', 'test', '[', 'cd', 'pwd', 'export', 'unset', 'set', 'shift', 'read', 'wait', 'exit', 'return',
  'break', 'continue', 'readonly', 'umask', 'ulimit', 'getopts', 'type', 'times', 'unalias', 'kill', 'jobs', 'fg', 'bg', 'local', 'eval',
  'trap', 'alias', 'command', 'exec', '.', 'hash',
]);
/** More builtins in bash, zsh and ksh. */
const EXTENDED_BUILTINS = new Set([
  'source', 'declare', 'typeset', 'builtin', 'let', 'shopt', 'pushd', 'popd', 'dirs', 'disown', 'enable', 'compgen', 'complete', 'compopt',
  'fc', 'history', 'bind', 'mapfile', 'readarray', 'caller', 'logout', 'suspend', 'help', 'print', 'whence', 'autoload', 'emulate', 'setopt',
  'unsetopt', 'zmodload', 'sched', 'noglob', 'nocorrect', 'functions', 'rehash', 'where', 'which',
]);
/** Builtins that run code the text does not show. */
const OPAQUE_BUILTINS = new Set(['.', 'source', 'enable', 'compgen', 'complete', 'fc', 'let', 'bind', 'zmodload', 'sched', 'autoload']);
/** Variables the shell expands again later (xtrace, prompts): assigning them hides code. */
const REEXPANDED = new Set(['PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'PROMPT']);
const DEFAULT_PATH: Readonly<Record<Dialect, string>> = {
  posix: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  // bash searches the current directory last when PATH is unset
  bash: '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.',
  zsh: '/bin:/usr/bin:/usr/ucb:/usr/local/bin',
};

interface State {
  env: EnvView;
  cwd: string | undefined;
  readonly depth: number;
  readonly dialect: Dialect;
  readonly label: string;
  readonly callable: Set<string>;
}

export function analyzeScript(a: Analyzer, where: Where, text: string, dialect: Dialect, label: string): void {
  let parsed: ParsedScript;
  try {
    parsed = parseShell(text, where.depth);
  } catch {
    return a.dynamic(where, label, text);
  }
  const st: State = { env: where.env, cwd: where.cwd, depth: where.depth, dialect, label, callable: new Set(parsed.functions) };
  for (const cmd of parsed.commands) command(a, st, cmd);
}

function here(st: State): Where {
  return { env: st.env, cwd: st.cwd, depth: st.depth };
}

function command(a: Analyzer, st: State, cmd: SimpleCommand): void {
  for (const sub of cmd.subs) analyzeScript(a, { ...here(st), depth: st.depth + 1 }, sub, st.dialect, st.label);
  if (cmd.risky) return a.dynamic(here(st), st.label, cmd.raw);
  if (cmd.syntaxOnly) return;
  if (cmd.words.length === 0) {
    // `NAME=value` alone sets a shell variable; treated as exported (conservative).
    for (const asg of cmd.assignments) assign(a, st, asg.name, asg.value);
    return;
  }
  // Prefix assignments apply to this command only.
  const saved = st.env;
  for (const asg of cmd.assignments) assign(a, st, asg.name, asg.value);
  run(a, st, cmd.words, cmd.raw, 'any');
  if (cmd.assignments.length > 0 && !isSpecialBuiltin(cmd.words[0]!)) st.env = saved;
}

function isSpecialBuiltin(w: Word): boolean {
  // POSIX: assignments before special builtins persist.
  return !w.dynamic && !w.quoted && ['export', 'readonly', 'eval', '.', 'exec', 'set', 'unset', 'trap', ':'].includes(w.value);
}

function evaluate(w: Word, env: EnvView): EnvValue {
  if (w.tilde) return UNKNOWN;
  let out = '';
  for (const p of w.parts) {
    if (p.kind === 'lit') out += p.text;
    else if (p.kind === 'param') {
      const v = env.get(p.name);
      if (v === UNKNOWN) return UNKNOWN;
      out += v ?? '';
    } else return UNKNOWN;
  }
  return out;
}

function assign(a: Analyzer, st: State, name: string, value: Word): void {
  if (REEXPANDED.has(name)) return a.dynamic(here(st), st.label, `${name}=${value.raw}`);
  let v = evaluate(value, st.env);
  if (name === 'PATH' && value.raw.includes('~')) v = UNKNOWN;
  st.env = st.env.with(name, v, a.taints(name));
}

/** Which lookups apply: `any` (functions, builtins, PATH), `no-functions` (`command`), `external` (`exec`), `builtin` (`builtin`). */
type Mode = 'any' | 'no-functions' | 'external' | 'builtin';

function staticWord(w: Word): boolean {
  return !w.dynamic && !w.glob && !w.brace && !w.equals && !w.risky;
}

/** Runs `words` as one simple command (`argv0`: what `exec -a` names it). */
function run(a: Analyzer, st: State, words: readonly Word[], raw: string, mode: Mode, argv0?: string): void {
  const head = words[0];
  if (!head) return;
  if (!staticWord(head)) return a.dynamic(here(st), st.label, raw);
  let name = head.value;
  if (head.tilde && !head.quoted) {
    const home = st.env.get('HOME');
    if (typeof home !== 'string' || !(name === '~' || name.startsWith('~/'))) return a.dynamic(here(st), st.label, raw);
    name = home + name.slice(1);
  }
  const argWords = words.slice(1);
  if (mode === 'any' && st.callable.has(name)) return;
  // Opaque in every dialect: /bin/sh may well be bash.
  if (mode !== 'external' && OPAQUE_BUILTINS.has(name)) return a.dynamic(here(st), st.label, raw);
  if (mode !== 'external' && !name.includes('/') && isBuiltin(name, st.dialect)) return builtin(a, st, name, argWords, raw);
  if (mode === 'builtin') return;
  const resolved = resolveExecutable(name, pathValue(st.env), st.cwd, DEFAULT_PATH[st.dialect]);
  if (resolved === null) return a.dynamic(here(st), st.label, raw);
  const opaqueArgs = argWords.some((w) => w.dynamic || w.glob || w.brace) ? raw : undefined;
  a.program({ ...here(st), depth: st.depth + 1 }, name, resolved, argv0 ?? name, argWords.map((w) => w.value), undefined, opaqueArgs);
}

function pathValue(env: EnvView): string | null | undefined {
  const v = env.get('PATH');
  return v === UNKNOWN ? null : v;
}

function isBuiltin(name: string, dialect: Dialect): boolean {
  return POSIX_BUILTINS.has(name) || (dialect !== 'posix' && EXTENDED_BUILTINS.has(name));
}

function builtin(a: Analyzer, st: State, name: string, args: readonly Word[], raw: string): void {
  const values = args.map((w) => w.value);
  switch (name) {
    case 'eval':
      if (args.some((w) => w.dynamic)) return a.dynamic(here(st), st.label, raw);
      return analyzeScript(a, here(st), values.join(' '), st.dialect, st.label);
    case 'trap':
      return trap(a, st, args, raw);
    case 'alias':
      for (const w of args) {
        const eq = w.value.indexOf('=');
        if (eq <= 0) continue;
        if (w.dynamic) return a.dynamic(here(st), st.label, raw);
        st.callable.add(w.value.slice(0, eq));
        analyzeScript(a, here(st), w.value.slice(eq + 1), st.dialect, st.label);
      }
      return;
    case 'export':
    case 'readonly':
    case 'declare':
    case 'typeset':
    case 'local':
      return declare(a, st, args, raw);
    case 'unset':
      for (const v of values) if (!v.startsWith('-')) st.env = st.env.without(v);
      return;
    case 'cd':
    case 'pushd':
      return changeDir(st, args);
    case 'popd':
      st.cwd = undefined;
      return;
    case 'hash':
      if (values.some((v) => v.startsWith('-') && v.includes('p'))) return a.dynamic(here(st), st.label, raw);
      return;
    case 'mapfile':
    case 'readarray':
      if (values.some((v) => v.startsWith('-') && v.includes('C'))) return a.dynamic(here(st), st.label, raw);
      return;
    case 'emulate':
      if (values.some((v) => v.startsWith('-') && v.includes('c'))) return a.dynamic(here(st), st.label, raw);
      return;
    case 'command':
      return commandBuiltin(a, st, args, raw);
    case 'builtin':
      return run(a, st, args, raw, 'builtin');
    case 'noglob':
    case 'nocorrect':
      return run(a, st, args, raw, 'any');
    case 'exec':
      return execBuiltin(a, st, args, raw);
    default:
      return;
  }
}

function trap(a: Analyzer, st: State, args: readonly Word[], raw: string): void {
  let i = 0;
  while (i < args.length && args[i]!.value.startsWith('-') && args[i]!.value !== '-') {
    if (args[i]!.value === '--') {
      i++;
      break;
    }
    if (/^-[lp]+$/.test(args[i]!.value)) return;
    i++;
  }
  const action = args[i];
  if (!action || i + 1 >= args.length) return; // `trap SIG` resets; `trap` lists
  if (action.dynamic) return a.dynamic(here(st), st.label, raw);
  // POSIX: a first operand that is an unsigned integer is a condition (reset), not an action.
  if (action.value === '-' || action.value === '' || /^\d+$/.test(action.value)) return;
  analyzeScript(a, here(st), action.value, st.dialect, st.label);
}

function declare(a: Analyzer, st: State, args: readonly Word[], raw: string): void {
  for (const w of args) {
    const v = w.value;
    if (v.startsWith('-') || v.startsWith('+')) {
      // integer (-i) and nameref (-n) attributes evaluate values as arithmetic or names later
      if (/[in]/.test(v.slice(1))) return a.dynamic(here(st), st.label, raw);
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/.exec(w.raw);
    if (!m) continue;
    let value: Word;
    try {
      value = lexWord(w.raw.slice(m[0].length), st.depth + 1);
    } catch {
      return a.dynamic(here(st), st.label, raw);
    }
    assign(a, st, m[1]!, value);
  }
}

function changeDir(st: State, args: readonly Word[]): void {
  const target = args.find((w) => !w.value.startsWith('-') || w.value === '-');
  if (!target) {
    const home = st.env.get('HOME');
    st.cwd = typeof home === 'string' && home.startsWith('/') ? resolvePath(home) : undefined;
    return;
  }
  if (!staticWord(target) || target.tilde || target.value === '-') {
    st.cwd = undefined;
    return;
  }
  const v = target.value;
  st.cwd = v.startsWith('/') ? resolvePath(v) : st.cwd === undefined ? undefined : resolvePath(st.cwd, v);
}

function commandBuiltin(a: Analyzer, st: State, args: readonly Word[], raw: string): void {
  let i = 0;
  let defaultPath = false;
  for (; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-') || v === '-') break;
    if (/[vV]/.test(v)) return; // lookup only
    if (v.includes('p')) defaultPath = true;
  }
  const rest = args.slice(i);
  if (!defaultPath) return run(a, st, rest, raw, 'no-functions');
  const saved = st.env;
  st.env = st.env.without('PATH');
  run(a, st, rest, raw, 'no-functions');
  st.env = saved;
}

function execBuiltin(a: Analyzer, st: State, args: readonly Word[], raw: string): void {
  let i = 0;
  let clear = false;
  let argv0: Word | undefined;
  for (; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-') || v === '-') break;
    if (v.includes('c')) clear = true;
    if (v.includes('a')) argv0 = args[++i];
  }
  const rest = args.slice(i);
  if (rest.length === 0) return; // redirections only
  if (argv0 && argv0.dynamic) return a.dynamic(here(st), st.label, raw);
  const saved = st.env;
  if (clear) st.env = st.env.cleared();
  run(a, st, rest, raw, 'external', argv0?.value);
  st.env = saved;
}
