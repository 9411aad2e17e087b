/**
 * The environment a child gets, built exactly as Node builds it (every
 * enumerable key, inherited ones included, of `options.env || process.env`),
 * and the code-injecting variables in it that the app put there.
 *
 * A variable counts as smuggled when its name can make the child (or a
 * program it starts) load code, and its value differs from the one this
 * process started with: the operator's own environment (a NODE_OPTIONS or
 * LD_LIBRARY_PATH set when the app was launched) is not the app's doing.
 */

/** Names that let a child load code chosen by whoever sets them. */
export const INJECTION_NAMES: ReadonlySet<string> = new Set([
  // Node.js
  'NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE',
  // dynamic linker and libc
  'GCONV_PATH',
  // shells
  'BASH_ENV', 'ENV', 'ZDOTDIR', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'PROMPT_COMMAND',
  // interpreters
  'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONUSERBASE', 'PYTHONBREAKPOINT', 'PYTHONINSPECT', 'PYTHONWARNINGS',
  'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB', 'RUBYOPT', 'RUBYLIB',
  'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS',
  'OPENSSL_CONF', 'OPENSSL_ENGINES',
  // programs git and others run
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_ASKPASS', 'GIT_EXEC_PATH',
  'GIT_PROXY_COMMAND', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM',
  'GIT_TEMPLATE_DIR', 'GIT_DIR', 'EDITOR', 'VISUAL', 'PAGER', 'SSH_ASKPASS', 'LESSOPEN', 'LESSCLOSE',
  // where configuration (and so configured programs) is read from: ~/.gitconfig, ~/.zshenv and the like
  'HOME', 'XDG_CONFIG_HOME',
]);
/** Prefixes of families of such names. */
export const INJECTION_PREFIXES: readonly string[] = ['LD_', 'DYLD_', 'BASH_FUNC_', 'GIT_CONFIG_KEY_', 'GIT_CONFIG_VALUE_'];

export function isInjectionName(name: string): boolean {
  if (INJECTION_NAMES.has(name)) return true;
  for (const p of INJECTION_PREFIXES) if (name.startsWith(p)) return true;
  return false;
}

// Values of those names when this process started (taken when Palisade loads).
const startup = new Map<string, string>();
for (const k of Object.keys(process.env)) {
  const v = process.env[k];
  if (v !== undefined && isInjectionName(k)) startup.set(k, v);
}

/** The start-up value, for the propagation code that extends NODE_OPTIONS. */
export function startupValue(name: string): string | undefined {
  return startup.get(name);
}

export type EnvRecord = Record<string, string>;

/**
 * A null-prototype copy of what Node will put in the child's environment.
 * Values are converted to strings here, once, as Node would (a getter or
 * toString runs now, not again inside Node). Throws what the conversion throws.
 */
export function snapshotEnv(source: unknown): EnvRecord {
  const env = Object.create(null) as EnvRecord;
  const from = (source || process.env) as Record<string, unknown>;
  // Own keys first (Object.keys reads process.env's keys in one call, where `for…in` asks for each),
  // then what Node's own `for…in` also takes: enumerable inherited keys (a polluted Object.prototype).
  for (const key of Object.keys(from)) copyValue(env, from, key);
  const proto = Object.getPrototypeOf(from) as object | null;
  if (proto !== null) {
    for (const key in proto) if (!Object.prototype.hasOwnProperty.call(from, key)) copyValue(env, from, key);
  }
  return env;
}

function copyValue(env: EnvRecord, from: Record<string, unknown>, key: string): void {
  const value = from[key];
  if (value !== undefined) env[key] = `${value as string}`;
}

/**
 * Names that are smuggled in `env`. `ours` maps the names Palisade itself sets
 * for propagation to a test of whether a value is Palisade's own.
 */
export function smuggledNames(env: EnvRecord, ours: (name: string, value: string) => boolean): string[] {
  const out: string[] = [];
  for (const k of Object.keys(env)) {
    if (!isInjectionName(k)) continue;
    const v = env[k]!;
    if (startup.get(k) === v || ours(k, v)) continue;
    out.push(k);
  }
  return out.sort();
}

/** `KEY=value` lines of a Node `--env-file`: the code-injecting keys it sets (undefined when unreadable). */
export function envFileInjectionNames(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m && (isInjectionName(m[1]!) || m[1]!.startsWith('PALISADE_'))) out.push(m[1]!);
  }
  return out;
}
