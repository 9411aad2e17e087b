/**
 * Interpreters: the Node.js options that matter to Palisade (inline code,
 * preloads, loaders, the inspector, env files), and, for other languages, the
 * inline code or standard input an invocation would run.
 */
import { type Interpreter, longOption } from './command-programs.js';

export interface NodeRun {
  /** -e/-p code. */
  readonly code?: string;
  readonly stdin?: boolean;
  readonly script?: string;
  /** Options that run code outside the preloaded main thread or open it to remote control. */
  readonly outside: readonly string[];
  /** Modules preloaded with -r/--require (they run before an --import preload). */
  readonly requires: readonly string[];
  readonly envFiles: readonly string[];
  /** Prints and exits without running code (--version, --help, --check). */
  readonly inert?: boolean;
}

const NODE_VALUE_OPTIONS = new Set([
  '-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--input-type', '--env-file', '--env-file-if-exists',
  '--title', '--inspect-port', '--debug-port', '--disable-warning', '--redirect-warnings', '--experimental-default-type', '--secure-heap',
  '--secure-heap-min', '--icu-data-dir', '--openssl-config', '--dns-result-order', '--diagnostic-dir', '--report-dir', '--report-directory',
  '--report-filename', '--report-signal', '--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval', '--heap-prof-dir', '--heap-prof-name',
  '--heap-prof-interval', '--trace-event-categories', '--trace-event-file-pattern', '--unhandled-rejections', '--watch-path',
  '--test-name-pattern', '--test-reporter', '--test-reporter-destination', '--test-shard', '--test-skip-pattern', '--test-concurrency',
  '--test-timeout', '--localstorage-file', '--experimental-config-file', '--run', '--max-http-header-size', '--stack-trace-limit',
  '--experimental-sea-config', '--snapshot-blob', '--build-snapshot-config', '--tls-cipher-list', '--tls-keylog', '--use-largepages',
  '--v8-pool-size', '--experimental-policy', '--policy-integrity', '--allow-fs-read', '--allow-fs-write', '--heapsnapshot-signal',
  '--heapsnapshot-near-heap-limit', '--max-old-space-size', '--max-semi-space-size', '--stack-size', '--es-module-specifier-resolution',
]);

export function parseNodeArgs(args: readonly string[]): NodeRun {
  const outside: string[] = [];
  const requires: string[] = [];
  const envFiles: string[] = [];
  let code: string | undefined;
  let inert = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-') return { stdin: true, outside, requires, envFiles, ...(code !== undefined ? { code } : {}) };
    if (a[0] !== '-') break;
    const [name, attached] = a.startsWith('--') ? longOption(a) : [a, undefined];
    const takesNext = attached === undefined && NODE_VALUE_OPTIONS.has(name);
    const value = attached ?? (takesNext ? args[i + 1] : undefined);
    if (takesNext) i++;
    if (name === '-e' || name === '--eval' || name === '-p' || name === '--print' || /^-[a-z]*[ep][a-z]*$/.test(name) && name.length > 2 && !name.startsWith('--')) {
      if (attached === undefined && !takesNext) {
        code = args[i + 1] ?? '';
        i++;
      } else code = value ?? '';
      continue;
    }
    if (name === '--loader' || name === '--experimental-loader') outside.push(`${name} ${value ?? ''}`);
    else if (name.startsWith('--inspect') || name.startsWith('--debug')) outside.push(a);
    else if (name === '--run') outside.push(`--run ${value ?? ''}`);
    else if (name === '-r' || name === '--require') requires.push(value ?? '');
    else if (name === '--env-file' || name === '--env-file-if-exists') envFiles.push(value ?? '');
    else if (['-v', '--version', '-h', '--help', '-c', '--check', '--v8-options'].includes(name)) inert = true;
  }
  const base = { outside, requires, envFiles, ...(inert ? { inert } : {}) };
  if (code !== undefined) return { code, ...base };
  if (i < args.length) return { script: args[i]!, ...base };
  return { stdin: true, ...base };
}

// ---- other interpreters ----

/** Inline code or standard input that the interpreter would run, as text; undefined for a script file. */
export function interpreterOpaque(lang: Interpreter, args: readonly string[]): string | undefined {
  switch (lang) {
    case 'python':
      return clusterOpaque(args, 'c', 'WXQ', 'm', ['--check-hash-based-pycs'], 'hV?');
    case 'perl':
      return perlOpaque(args);
    case 'ruby':
      return clusterOpaque(args, 'e', 'rICEFx', '', [], 'hv');
    case 'php': {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (['-r', '-B', '-R', '-F', '-E'].includes(a)) return `${a} ${args[i + 1] ?? ''}`;
        if (a === '-a' || a === '-c' || a.startsWith('-c')) return a;
        if (a === '-d' && /auto_(prepend|append)_file|extension/i.test(args[i + 1] ?? '')) return `${a} ${args[i + 1]}`;
        if (a === '-f') return undefined;
        if (a === '-d' || a === '-z') {
          i++;
          continue;
        }
        if (a[0] !== '-' || a === '--') return undefined;
      }
      return '-';
    }
    case 'lua':
      return clusterOpaque(args, 'e', 'l', '', [], 'v');
    case 'awk':
      return awkOpaque(args);
    case 'deno':
      return args[0] === 'eval' || args[0] === 'repl' || args.length === 0 ? args.join(' ') || '-' : undefined;
    case 'bun': {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') return args[i + 1] ?? '';
        if (a[0] !== '-') return undefined;
      }
      return undefined;
    }
  }
}

/**
 * Interpreters with single-letter option clusters (`-Bc code`): `code` letters
 * take the code (rest of cluster or next argument); `valued` letters take a
 * value; a `module` letter runs a module (not inline code); `exits` letters
 * print and exit. No script and no code means standard input.
 */
function clusterOpaque(args: readonly string[], codeLetters: string, valued: string, module: string, longValued: readonly string[], exits: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-') return '-';
    if (a === '--') return i + 1 < args.length ? undefined : '-';
    if (a.startsWith('--')) {
      if (longValued.includes(a)) i++;
      if (a === '--version' || a === '--help') return undefined;
      continue;
    }
    if (a[0] !== '-' || a.length === 1) return undefined;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      if (codeLetters.includes(ch)) return j + 1 < a.length ? a.slice(j + 1) : (args[i + 1] ?? '');
      if (module.includes(ch)) return undefined;
      if (exits.includes(ch)) return undefined;
      if (valued.includes(ch)) {
        if (j === a.length - 1) i++;
        break;
      }
    }
  }
  return '-';
}

function perlOpaque(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-') return '-';
    if (a === '--') return i + 1 < args.length ? undefined : '-';
    if (a[0] !== '-' || a.length === 1) return undefined;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      if (ch === 'e' || ch === 'E') return j + 1 < a.length ? a.slice(j + 1) : (args[i + 1] ?? '');
      if (ch === 'M' || ch === 'm') {
        const mod = j + 1 < a.length ? a.slice(j + 1) : (args[++i] ?? '');
        // `-M'Foo;system(...)'` is pasted into a `use` statement.
        if (!/^-?[\w:]+(=[\w,:]*)?$/.test(mod)) return `-${ch}${mod}`;
        break;
      }
      if (ch === 'I') {
        if (j === a.length - 1) i++;
        break;
      }
      if (ch === 'v' || ch === 'h') return undefined;
      if ('i0lxdDC'.includes(ch)) break;
    }
  }
  return '-';
}

function awkOpaque(args: readonly string[]): string | undefined {
  let program: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      program ??= args[i + 1];
      break;
    }
    if (a === '-f' || a.startsWith('--file') || a === '-E' || a.startsWith('--exec') || a === '-i' || a.startsWith('--include') || a === '-l' || a.startsWith('--load')) {
      return `${a} ${args[i + 1] ?? ''}`;
    }
    if (a === '-e' || a === '--source') {
      program = (program ?? '') + (args[++i] ?? '');
      continue;
    }
    if (a.startsWith('--source=')) {
      program = (program ?? '') + a.slice('--source='.length);
      continue;
    }
    if (a === '-v' || a === '-F') {
      i++;
      continue;
    }
    if (a[0] === '-' && a.length > 1) continue;
    program ??= a;
    break;
  }
  if (program === undefined) return undefined;
  // system(), pipes to or from commands, and gawk's indirect calls run programs.
  return /system|\||@/.test(program) ? program : undefined;
}
