/**
 * The standard "run this command" utilities (env, nohup, timeout, nice,
 * setsid, stdbuf, time, xargs, sudo, doas, watch, chroot): each parser reads
 * the options the way the utility does and says what it runs next, with which
 * environment changes, or that it cannot be told (an option it does not know).
 */
import { type Wrapper, longOption } from './command-programs.js';

export interface EnvChange {
  readonly clear: boolean;
  readonly unset: readonly string[];
  readonly set: ReadonlyArray<readonly [string, string]>;
}

/** What a wrapper runs next. */
export interface WrapperRun {
  /** Command and its arguments, when the wrapper runs one directly. */
  readonly argv?: readonly string[];
  /** Shell text the wrapper hands to `sh -c`. */
  readonly shellText?: string;
  readonly env?: EnvChange;
  /** The environment is reset the way sudo and doas reset it. */
  readonly resetEnv?: boolean;
  readonly chdir?: string;
  /** Arguments read from standard input are appended (xargs). */
  readonly stdinArgs?: boolean;
  /** What it runs cannot be told from the arguments. */
  readonly opaque?: string;
}

const NOTHING: WrapperRun = {};

function opaque(args: readonly string[]): WrapperRun {
  return { opaque: args.join(' ') };
}

/**
 * Generic option scanner for utilities that stop at their first operand.
 * `withValue` short options take the rest of the cluster or the next argument;
 * `longWithValue` long options take `=value` or the next argument. Returns the
 * index of the first operand, or -1 on an option it does not know.
 */
function scanOptions(args: readonly string[], flags: string, withValue: string, longFlags: readonly string[], longWithValue: readonly string[]): number {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (a.startsWith('--')) {
      const [name, value] = longOption(a);
      if (longFlags.includes(name)) {
        i++;
        continue;
      }
      if (longWithValue.includes(name)) {
        i += value === undefined ? 2 : 1;
        continue;
      }
      return -1;
    }
    if (a[0] === '-' && a.length > 1) {
      let j = 1;
      let consumedNext = false;
      for (; j < a.length; j++) {
        const ch = a[j]!;
        if (withValue.includes(ch)) {
          if (j === a.length - 1) consumedNext = true;
          break;
        }
        if (!flags.includes(ch)) return -1;
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    return i;
  }
  return i;
}

export function parseWrapper(name: Wrapper, args: readonly string[]): WrapperRun {
  switch (name) {
    case 'env':
      return parseEnv(args);
    case 'nohup': {
      const i = scanOptions(args, '', '', [], []);
      if (i < 0) return args[0] === '--help' || args[0] === '--version' ? NOTHING : opaque(args);
      return i < args.length ? { argv: args.slice(i) } : NOTHING;
    }
    case 'timeout': {
      const i = scanOptions(args, 'v', 'sk', ['--preserve-status', '--foreground', '--verbose'], ['--signal', '--kill-after']);
      if (i < 0) return opaque(args);
      return i + 1 < args.length ? { argv: args.slice(i + 1) } : NOTHING;
    }
    case 'nice': {
      // `nice -10 cmd` is the historical form of `-n 10`.
      const norm = args[0] !== undefined && /^-\d+$/.test(args[0]) ? args.slice(1) : args;
      const i = scanOptions(norm, '', 'n', [], ['--adjustment']);
      if (i < 0) return opaque(args);
      return i < norm.length ? { argv: norm.slice(i) } : NOTHING;
    }
    case 'setsid': {
      const i = scanOptions(args, 'cfw', '', ['--ctty', '--fork', '--wait'], []);
      if (i < 0) return opaque(args);
      return i < args.length ? { argv: args.slice(i) } : NOTHING;
    }
    case 'stdbuf': {
      const i = scanOptions(args, '', 'ioe', [], ['--input', '--output', '--error']);
      if (i < 0) return opaque(args);
      return i < args.length ? { argv: args.slice(i) } : NOTHING;
    }
    case 'time': {
      const i = scanOptions(args, 'apqv', 'fo', ['--append', '--portability', '--quiet', '--verbose'], ['--format', '--output']);
      if (i < 0) return opaque(args);
      return i < args.length ? { argv: args.slice(i) } : NOTHING;
    }
    case 'xargs':
      return parseXargs(args);
    case 'sudo':
      return parseSudo(args);
    case 'doas': {
      const i = scanOptions(args, 'nsL', 'uC', [], []);
      if (i < 0) return opaque(args);
      if (args.includes('-C')) return NOTHING;
      if (i >= args.length) return args.slice(0, i).some((a) => a.startsWith('-') && a.includes('s')) ? opaque(args) : NOTHING;
      return { argv: args.slice(i), resetEnv: true };
    }
    case 'watch': {
      const i = scanOptions(
        args,
        'dtbegcCxpwqr',
        'n',
        ['--differences', '--no-title', '--beep', '--errexit', '--chgexit', '--color', '--no-color', '--exec', '--precise', '--no-wrap', '--no-rerun'],
        ['--interval'],
      );
      if (i < 0) return opaque(args);
      if (i >= args.length) return NOTHING;
      const direct = args.slice(0, i).some((a) => a === '--exec' || (/^-[a-z]+$/i.test(a) && a.includes('x')));
      return direct ? { argv: args.slice(i) } : { shellText: args.slice(i).join(' ') };
    }
    case 'chroot':
      // The command is looked up inside another root: nothing here says what it is.
      return args.length > 0 ? opaque(args) : NOTHING;
  }
}

function parseEnv(args: readonly string[]): WrapperRun {
  let clear = false;
  const unset: string[] = [];
  let chdir: string | undefined;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-' || a === '-i' || a === '--ignore-environment') {
      clear = true;
      i++;
      continue;
    }
    if (a.startsWith('--')) {
      const [name, value] = longOption(a);
      if (name === '--unset' || name === '--chdir') {
        const v = value ?? args[i + 1];
        if (v === undefined) return opaque(args);
        if (name === '--unset') unset.push(v);
        else chdir = v;
        i += value === undefined ? 2 : 1;
        continue;
      }
      if (name === '--null' || name === '--debug' || name === '--list-signal-handling') {
        i++;
        continue;
      }
      if (name === '--ignore-signal' || name === '--default-signal' || name === '--block-signal') {
        i++;
        continue;
      }
      // --split-string and anything unknown: the command line is rebuilt at run time.
      return opaque(args);
    }
    if (a[0] === '-' && a.length > 1) {
      const ch = a[1]!;
      if ((ch === 'u' || ch === 'C') && a.length === 2) {
        const v = args[i + 1];
        if (v === undefined) return opaque(args);
        if (ch === 'u') unset.push(v);
        else chdir = v;
        i += 2;
        continue;
      }
      if (ch === 'u' || ch === 'C') {
        if (ch === 'u') unset.push(a.slice(2));
        else chdir = a.slice(2);
        i++;
        continue;
      }
      if (/^-[0iv]+$/.test(a)) {
        if (a.includes('i')) clear = true;
        i++;
        continue;
      }
      return opaque(args);
    }
    break;
  }
  const set: Array<[string, string]> = [];
  while (i < args.length) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    if (eq <= 0) break;
    set.push([a.slice(0, eq), a.slice(eq + 1)]);
    i++;
  }
  const env: EnvChange = { clear, unset, set };
  if (i >= args.length) return { env };
  return chdir === undefined ? { argv: args.slice(i), env } : { argv: args.slice(i), env, chdir };
}

function parseXargs(args: readonly string[]): WrapperRun {
  let replace = false;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = longOption(a);
      if (['--null', '--interactive', '--no-run-if-empty', '--verbose', '--exit', '--open-tty', '--show-limits'].includes(name)) {
        i++;
        continue;
      }
      if (name === '--replace' || name === '--eof' || name === '--max-lines') {
        if (name === '--replace') replace = true;
        i++;
        continue;
      }
      if (['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'].includes(name)) {
        i += value === undefined ? 2 : 1;
        continue;
      }
      return opaque(args);
    }
    if (a[0] === '-' && a.length > 1) {
      let j = 1;
      let next = false;
      for (; j < a.length; j++) {
        const ch = a[j]!;
        if ('0prtx'.includes(ch)) continue;
        if ('adEILnPs'.includes(ch)) {
          if (ch === 'I') replace = true;
          if (j === a.length - 1) next = true;
          break;
        }
        if ('eil'.includes(ch)) {
          // optional value, attached only
          if (ch === 'i') replace = true;
          break;
        }
        return opaque(args);
      }
      i += next ? 2 : 1;
      continue;
    }
    break;
  }
  const argv = i < args.length ? args.slice(i) : ['echo'];
  return replace ? { argv } : { argv, stdinArgs: true };
}

function parseSudo(args: readonly string[]): WrapperRun {
  let shell = false;
  let keepEnv = false;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = longOption(a);
      if (name === '--preserve-env') {
        keepEnv = true;
        i++;
        continue;
      }
      if (name === '--shell' || name === '--login') {
        shell = true;
        i++;
        continue;
      }
      if (['--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--chroot', '--role', '--type', '--other-user', '--command-timeout'].includes(name)) {
        i += value === undefined ? 2 : 1;
        continue;
      }
      if (['--askpass', '--background', '--non-interactive', '--preserve-groups', '--stdin', '--bell', '--set-home', '--reset-timestamp', '--remove-timestamp'].includes(name)) {
        i++;
        continue;
      }
      if (['--edit', '--list', '--validate', '--version', '--help'].includes(name)) return NOTHING;
      return opaque(args);
    }
    if (a[0] === '-' && a.length > 1) {
      let next = false;
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if ('ugCDhprtUTR'.includes(ch)) {
          if (j === a.length - 1) next = true;
          break;
        }
        if (ch === 's' || ch === 'i') shell = true;
        else if (ch === 'E') keepEnv = true;
        else if ('elvVkK'.includes(ch) && a.length === 2 && (ch !== 'k' || i + 1 >= args.length)) return NOTHING;
        else if (!'AbHknPSBN'.includes(ch)) return opaque(args);
      }
      i += next ? 2 : 1;
      continue;
    }
    break;
  }
  const rest = args.slice(i);
  if (shell) return rest.length > 0 ? { shellText: rest.join(' '), resetEnv: !keepEnv } : opaque(args);
  if (rest.length === 0) return NOTHING;
  return keepEnv ? { argv: rest } : { argv: rest, resetEnv: true };
}
