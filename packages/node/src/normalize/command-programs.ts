/**
 * Programs whose arguments decide what else runs: shells, the standard
 * "run this command" utilities, and interpreters given code inline. Each
 * parser reads an argument vector the way that program does and says which
 * command it runs next, or that what it runs cannot be known from the text.
 * Pure functions of the arguments. Wrappers and interpreters have files of
 * their own (command-wrappers, command-interpreters).
 */

export type Dialect = 'posix' | 'bash' | 'zsh';
export type Interpreter = 'python' | 'perl' | 'ruby' | 'php' | 'lua' | 'awk' | 'deno' | 'bun';
export type Wrapper = 'env' | 'nohup' | 'timeout' | 'nice' | 'setsid' | 'stdbuf' | 'xargs' | 'time' | 'sudo' | 'doas' | 'watch' | 'chroot';

export type ProgramKind =
  | { readonly kind: 'shell'; readonly dialect: Dialect }
  | { readonly kind: 'foreign-shell' }
  | { readonly kind: 'wrapper'; readonly name: Wrapper }
  | { readonly kind: 'interpreter'; readonly lang: Interpreter }
  | { readonly kind: 'node' }
  | { readonly kind: 'find' }
  | { readonly kind: 'git' }
  | { readonly kind: 'multicall' };

const SHELLS: Readonly<Record<string, Dialect>> = {
  sh: 'posix',
  dash: 'posix',
  ash: 'posix',
  hush: 'posix',
  posh: 'posix',
  yash: 'posix',
  bash: 'bash',
  rbash: 'bash',
  ksh: 'bash',
  ksh93: 'bash',
  mksh: 'bash',
  pdksh: 'bash',
  lksh: 'bash',
  oksh: 'bash',
  zsh: 'zsh',
};
const FOREIGN_SHELLS = new Set(['fish', 'csh', 'tcsh', 'pwsh', 'powershell', 'nu', 'xonsh', 'elvish', 'rc', 'es', 'ion', 'murex', 'oil', 'osh', 'ysh']);
const WRAPPERS = new Set<Wrapper>(['env', 'nohup', 'timeout', 'nice', 'setsid', 'stdbuf', 'xargs', 'time', 'sudo', 'doas', 'watch', 'chroot']);

export function programKind(name: string): ProgramKind | undefined {
  const dialect = SHELLS[name];
  if (dialect) return { kind: 'shell', dialect };
  if (FOREIGN_SHELLS.has(name)) return { kind: 'foreign-shell' };
  if (WRAPPERS.has(name as Wrapper)) return { kind: 'wrapper', name: name as Wrapper };
  if (name === 'busybox' || name === 'toybox') return { kind: 'multicall' };
  if (name === 'find') return { kind: 'find' };
  if (name === 'git') return { kind: 'git' };
  if (/^(node|nodejs)\d*$/.test(name)) return { kind: 'node' };
  if (/^(python|pypy)\d*(\.\d+)*$/.test(name)) return { kind: 'interpreter', lang: 'python' };
  if (/^perl\d*(\.\d+)*$/.test(name)) return { kind: 'interpreter', lang: 'perl' };
  if (/^ruby\d*(\.\d+)*$/.test(name)) return { kind: 'interpreter', lang: 'ruby' };
  if (/^php\d*(\.\d+)*(-cli)?$/.test(name)) return { kind: 'interpreter', lang: 'php' };
  if (/^lua(jit|\d+(\.\d+)*)?$/.test(name)) return { kind: 'interpreter', lang: 'lua' };
  if (/^[gmn]?awk$/.test(name)) return { kind: 'interpreter', lang: 'awk' };
  if (name === 'deno') return { kind: 'interpreter', lang: 'deno' };
  if (name === 'bun') return { kind: 'interpreter', lang: 'bun' };
  return undefined;
}

// ---- shells ----

/** What a shell invocation runs: a command string, a script file, or its standard input. */
export type ShellRun = ({ readonly script: string } | { readonly file: string } | { readonly stdin: true } | { readonly nothing: true }) & {
  /** A startup file named on the command line (bash --rcfile/--init-file): code from a file. */
  readonly rcfile?: string;
};

export function parseShellArgs(args: readonly string[]): ShellRun {
  const run = shellRun(args);
  const i = args.findIndex((a) => a === '--rcfile' || a === '--init-file');
  return i >= 0 && i + 1 < args.length ? { ...run, rcfile: args[i + 1]! } : run;
}

function shellRun(args: readonly string[]): ShellRun {
  let commandString = false;
  let stdin = false;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      if (a === '--version' || a === '--help') return { nothing: true };
      i += a === '--rcfile' || a === '--init-file' || a === '--emulate' ? 2 : 1;
      continue;
    }
    if ((a[0] === '-' || a[0] === '+') && a.length > 1) {
      let values = 0;
      for (const ch of a.slice(1)) {
        if (ch === 'c') commandString = true;
        else if (ch === 's') stdin = true;
        else if (ch === 'o' || ch === 'O') values++;
      }
      i += 1 + values;
      continue;
    }
    break;
  }
  const rest = args.slice(i);
  if (commandString) return rest.length > 0 ? { script: rest[0]! } : { nothing: true };
  if (stdin || rest.length === 0) return { stdin: true };
  return { file: rest[0]! };
}

// ---- find ----

/** Commands `find` runs through -exec, -execdir, -ok, -okdir (with `{}` left in place). */
export function findExecs(args: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a !== '-exec' && a !== '-execdir' && a !== '-ok' && a !== '-okdir') continue;
    const cmd: string[] = [];
    let j = i + 1;
    for (; j < args.length; j++) {
      const b = args[j]!;
      if (b === ';' || (b === '+' && args[j - 1] === '{}')) break;
      cmd.push(b);
    }
    if (cmd.length > 0) out.push(cmd);
    i = j;
  }
  return out;
}

// ---- git ----

// `-c name=value` settings that only change output or bookkeeping; every other one can name a program to run.
const GIT_SAFE_CONFIG = /^(user\.|color\.|advice\.|i18n\.|column\.|log\.|status\.|init\.|safe\.directory$|core\.(quotepath|autocrlf|eol|safecrlf|filemode|ignorecase|longpaths|precomposeunicode)$|(commit|tag)\.gpgsign$|pull\.(rebase|ff)$|push\.default$|fetch\.prune$|gc\.auto$|maintenance\.auto$)/i;

/** A git invocation that runs something its arguments name (config, transport programs), or undefined. */
export function gitOpaque(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let setting: string | undefined;
    if (a === '-c' || a === '--config-env') setting = args[++i];
    else if (a.startsWith('-c') && a.length > 2) setting = a.slice(2);
    else if (a.startsWith('--config-env=')) setting = a.slice('--config-env='.length);
    if (setting !== undefined) {
      const key = setting.split('=')[0] ?? '';
      if (!GIT_SAFE_CONFIG.test(key)) return `${a} ${setting}`;
      continue;
    }
    if (/^--(upload-pack|receive-pack|exec|exec-path|template)(=|$)/.test(a)) return a;
  }
  return undefined;
}


/** Splits `--name=value`; returns [name, value | undefined]. */
export function longOption(a: string): [string, string | undefined] {
  const eq = a.indexOf('=');
  return eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
}
