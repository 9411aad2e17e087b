import fs from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import { picomatch } from '../cjs-deps.js';
import { nameGlobToRegExp } from './name-pattern.js';
import { type PlaceholderValues, expandPlaceholders } from './placeholders.js';
import { escapeGlob, scanGlob } from './path-pattern.js';
import { type ParseResult, type RuleRef, fail, ok } from './rule.js';

/** The executable actually run (absolute when it could be resolved) and its arguments. */
export interface CommandTarget {
  readonly executable: string;
  readonly args: readonly string[];
  /**
   * Names of variables in the child's environment that can inject code into it
   * (NODE_OPTIONS, LD_PRELOAD, DYLD_*, …), as the sensor found them. Each must
   * be allowed by the policy's `spawn.env`.
   */
  readonly env?: readonly string[] | undefined;
}

type ArgToken = { readonly kind: 'any-rest' } | { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'glob'; readonly re: RegExp };

export interface CommandPattern {
  /** Bare program name: matches that program in a trusted directory (PATH at start-up, Node's own). */
  readonly name?: string;
  /** Bare name with `*`/`?` (`python*`, `*`): matched against the program name. */
  readonly nameGlob?: RegExp;
  /** Absolute path or path glob of the executable. */
  readonly path?: (exe: string) => boolean;
  /** null: any arguments. */
  readonly args: readonly ArgToken[] | null;
}

export type CommandRuleInput = string | { readonly command: string; readonly args?: readonly string[] | undefined };

function parseArg(token: string): ParseResult<ArgToken> {
  if (token === '**') return ok({ kind: 'any-rest' });
  if (token.includes('**')) return fail(`argument pattern "${token}": ** must stand alone (it matches any number of arguments)`);
  if (!/[*?]/.test(token)) return ok({ kind: 'literal', text: token });
  return ok({ kind: 'glob', re: nameGlobToRegExp(token) });
}

/**
 * `"git"` (any arguments), `"git status"`, `"git log **"`, `"/usr/bin/ls -l *"`,
 * or `{ "command": "git", "args": ["commit", "-m", "*"] }` for arguments with spaces.
 * Argument patterns match position by position: `*` and `?` inside one argument,
 * `**` any number of arguments; with argument patterns given, nothing else may follow.
 */
export function parseCommandPattern(input: CommandRuleInput, values: PlaceholderValues): ParseResult<CommandPattern> {
  let command: string;
  let argTexts: readonly string[] | null;
  if (typeof input === 'string') {
    const tokens = input.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return fail('must name a command');
    command = tokens[0]!;
    argTexts = tokens.length > 1 ? tokens.slice(1) : null;
  } else {
    command = input.command.trim();
    if (!command) return fail('command must not be empty');
    argTexts = input.args ?? null;
  }
  let args: ArgToken[] | null = null;
  if (argTexts) {
    args = [];
    for (const t of argTexts) {
      const a = parseArg(t);
      if (!a.ok) return a;
      args.push(a.value);
    }
  }
  const expanded = expandPlaceholders(command.startsWith('~/') ? `\${home}${command.slice(1)}` : command, values, escapeGlob);
  if (isAbsolute(expanded)) {
    const scan = scanGlob(expanded);
    const exact = scan.base;
    const path = scan.isGlob ? picomatch(expanded, { dot: true }) : (exe: string) => exe === exact;
    return ok({ path, args });
  }
  if (expanded.includes('/')) return fail(`command "${command}" must be a bare name or an absolute path`);
  if (/[*?]/.test(expanded)) return ok({ nameGlob: nameGlobToRegExp(expanded), args });
  return ok({ name: expanded, args });
}

function argsMatch(tokens: readonly ArgToken[], args: readonly string[]): boolean {
  // Glob over a sequence with `**` as "any run of arguments": dynamic programming, linear in tokens x args.
  let reachable = new Array<boolean>(args.length + 1).fill(false);
  reachable[0] = true;
  for (const tok of tokens) {
    const next = new Array<boolean>(args.length + 1).fill(false);
    let seen = false;
    for (let i = 0; i <= args.length; i++) {
      if (tok.kind === 'any-rest') {
        seen ||= reachable[i]!;
        next[i] = seen;
      } else if (reachable[i] && i < args.length) {
        const a = args[i]!;
        if (tok.kind === 'literal' ? a === tok.text : tok.re.test(a)) next[i + 1] = true;
      }
    }
    reachable = next;
  }
  return reachable[args.length]!;
}

export class CommandRuleSet {
  private readonly rules: Array<{ pattern: CommandPattern; rule: RuleRef }> = [];
  size = 0;

  /** `trustedDirs` null: a bare name matches the program in any directory (deny and trust rules). */
  constructor(private readonly trustedDirs: ReadonlySet<string> | null) {}

  add(pattern: CommandPattern, rule: RuleRef): void {
    this.size++;
    this.rules.push({ pattern, rule });
  }

  first(target: CommandTarget): RuleRef | undefined {
    const exe = target.executable;
    const name = basename(exe);
    // A relative path with a slash (`./git`, `tmp/git`) is not the program a bare name stands for.
    const trusted = this.trustedDirs === null || (isAbsolute(exe) ? isTrustedDir(this.trustedDirs, dirname(exe)) : !exe.includes('/'));
    for (const { pattern, rule } of this.rules) {
      const exeOk =
        pattern.name !== undefined ? pattern.name === name && trusted : pattern.nameGlob !== undefined ? trusted && pattern.nameGlob.test(name) : pattern.path!(exe);
      if (exeOk && (pattern.args === null || argsMatch(pattern.args, target.args))) return rule;
    }
    return undefined;
  }
}

/** Directories whose programs a bare command name stands for. */
export function trustedCommandDirs(envPath = process.env.PATH ?? ''): Set<string> {
  const dirs = new Set<string>();
  for (const d of envPath.split(':')) if (isAbsolute(d)) dirs.add(d.replace(/\/+$/, '') || '/');
  dirs.add(dirname(process.execPath));
  // Merged-/usr systems: /bin is /usr/bin. Real paths are trusted too, and compared as such.
  for (const d of [...dirs]) {
    const real = realDir(d);
    if (real) dirs.add(real);
  }
  return dirs;
}

// Bound at load: an app cannot change how directories resolve for this check.
const realpathNative = fs.realpathSync.native;
const realDirs = new Map<string, string | null>();

function realDir(dir: string): string | null {
  let real = realDirs.get(dir);
  if (real === undefined) {
    try {
      real = realpathNative(dir);
    } catch {
      real = null;
    }
    if (realDirs.size > 1024) realDirs.clear();
    realDirs.set(dir, real);
  }
  return real;
}

/** `dir` is trusted as written, or once symlinks are resolved (`/bin` → `/usr/bin`). */
function isTrustedDir(trusted: ReadonlySet<string>, dir: string): boolean {
  if (trusted.has(dir)) return true;
  const real = realDir(dir);
  return real !== null && trusted.has(real);
}
