import { picomatch } from '../cjs-deps.js';
import { isAbsolute, posix } from 'node:path';
import { type PlaceholderValues, expandPlaceholders } from './placeholders.js';
import { type ParseResult, type RuleRef, earlier, fail, ok } from './rule.js';

export interface PathPattern {
  /** Literal directory every match lies in (`/` when none), for indexing. */
  readonly base: string;
  /** Set when the pattern has no glob syntax: the exact path. */
  readonly exact?: string;
  readonly test: (path: string) => boolean;
}

const GLOB_CHARS = /[\\*?[\]{}()!+@|]/g;
export const escapeGlob = (s: string): string => s.replace(GLOB_CHARS, '\\$&');

const UNNORMALIZED = /(?:^|\/)\.\.?(?:\/|$)|\/\//;

const PICO_OPTIONS = { dot: true, strictSlashes: false } as const;

/**
 * Path globs (picomatch syntax, dotfiles included). Placeholders and a leading
 * `~/` expand first; other relative patterns are taken against `${cwd}` unless
 * they start with `*` (`**\/.env` matches anywhere; `*.pem` means `**\/*.pem`). With `pseudoNames`, a
 * pattern without `/` matches non-path targets such as `binding:fs` or `eval`.
 */
export function parsePathPattern(text: string, values: PlaceholderValues, pseudoNames = false): ParseResult<PathPattern> {
  if (text.length === 0) return fail('must not be empty');
  if (text.includes('\0')) return fail('must not contain NUL');
  let pattern = text.startsWith('~/') ? `\${home}${text.slice(1)}` : text;
  pattern = expandPlaceholders(pattern, values, escapeGlob);
  const pseudo = pseudoNames && !pattern.includes('/');
  // `*.pem`, like a .gitignore line, means a file of that name in any directory.
  if (!pseudo && pattern.startsWith('*') && !pattern.includes('/')) pattern = `**/${pattern}`;
  if (!pseudo && !isAbsolute(pattern) && !pattern.startsWith('*')) {
    pattern = `${escapeGlob(values.cwd)}/${pattern.replace(/^\.\//, '')}`;
  }
  // Targets are normalized paths, so `${cwd}/../shared/**` must be read as the directory it names.
  if (!pseudo && UNNORMALIZED.test(pattern)) pattern = posix.normalize(pattern);
  const scan = scanGlob(pattern);
  if (!scan.isGlob) {
    const exact = pseudo ? scan.base : normalizeLiteral(scan.base);
    return ok({ base: pseudo ? '' : exact, exact, test: (p) => p === exact });
  }
  const base = pseudo || !scan.base.startsWith('/') ? '' : normalizeLiteral(scan.base) || '/';
  const own = pseudo ? undefined : (subtreeMatcher(pattern) ?? basenameMatcher(pattern) ?? segmentStarsMatcher(pattern));
  if (own) return ok({ base, test: own });
  try {
    return ok({ base, test: picomatch(pattern, PICO_OPTIONS) });
  } catch (e) {
    return fail(`is not a valid glob: ${(e as Error).message}`);
  }
}

/** A `.` or `..` path segment: picomatch's `**` and `*` never match one, even with `dot`. */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * `DIR/**` with a literal DIR (the shape of most allow entries: `${cwd}/**`):
 * DIR itself and everything under it, as picomatch reads it (a trailing or
 * doubled slash matches, a `.`/`..` segment below DIR does not).
 */
function subtreeMatcher(pattern: string): ((path: string) => boolean) | undefined {
  if (!pattern.endsWith('/**')) return undefined;
  const dir = scanGlob(pattern.slice(0, -3));
  if (dir.isGlob || !dir.base.startsWith('/')) return undefined;
  const base = normalizeLiteral(dir.base);
  if (base === '/') return (p) => p.charCodeAt(0) === 47 && !DOT_SEGMENT.test(p);
  const under = `${base}/`;
  return (p) => p === base || (p.startsWith(under) && !DOT_SEGMENT.test(p.slice(under.length)));
}

const ANY_DIR_NAME = /^\*\*\/([^/]+)$/;

/**
 * `**\/NAME` (the shape of most deny entries: `**\/.env`, `**\/*.pem`) only
 * looks at the last path component: matching that alone is equivalent for
 * absolute paths and avoids running a whole-path glob on every lookup.
 */
function basenameMatcher(pattern: string): ((path: string) => boolean) | undefined {
  const m = ANY_DIR_NAME.exec(pattern);
  // `**/**` is a globstar, not a name: whole-path matching (it also matches `/`).
  if (!m || m[1]!.includes('**')) return undefined;
  const name = m[1]!;
  const scan = scanGlob(name);
  if (!scan.isGlob) {
    const literal = scan.base;
    return (p) => p.length >= literal.length && p.endsWith(literal) && (p.length === literal.length || p.charCodeAt(p.length - literal.length - 1) === 47);
  }
  const nameMatch = starsOnly(name) ?? picomatch(name, PICO_OPTIONS);
  return (p) => nameMatch(p.slice(p.lastIndexOf('/') + 1));
}

const STARS_ONLY = /^[^\\?[\]{}()!+@|]*$/;

/** The regular expression of one path segment whose only glob syntax is `*`: any run of characters but `/`, dotfiles included, never a `.` or `..` segment. */
function starSegment(segment: string): string {
  if (!segment.includes('*')) return escapeRegExp(segment);
  return `(?!\\.\\.?(?:/|$))${segment === '*' ? '[^/]+' : segment.split('*').map(escapeRegExp).join('[^/]*')}`;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A name whose only glob syntax is `*` (`.env.*`, `*.pem`). */
function starsOnly(name: string): ((base: string) => boolean) | undefined {
  if (!STARS_ONLY.test(name) || name === '*' || name.includes('**')) return undefined;
  const re = new RegExp(`^${starSegment(name)}$`);
  return (base) => re.test(base);
}

/** An absolute pattern whose only glob syntax is `*` inside segments (`/proc/*\/environ`), no `**`. */
function segmentStarsMatcher(pattern: string): ((path: string) => boolean) | undefined {
  if (!pattern.startsWith('/') || pattern.includes('**') || !STARS_ONLY.test(pattern)) return undefined;
  const re = new RegExp(`^${pattern.split('/').map(starSegment).join('/')}$`);
  return (p) => re.test(p);
}

const GLOB_SYNTAX = new Set(['*', '?', '[', ']', '{', '}', '(', ')', '!', '+', '@', '|']);

/**
 * Whether a pattern has glob syntax, and its literal leading directories
 * (unescaped). Our own reading: picomatch.scan takes an escaped `\{a,b\}`
 * (a working directory named `{a,b}`) for no glob at all.
 */
export function scanGlob(pattern: string): { readonly isGlob: boolean; readonly base: string } {
  let base = '';
  let segment = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) segment += pattern[++i];
    else if (GLOB_SYNTAX.has(ch)) return { isGlob: true, base };
    else if (ch === '/') {
      base += `${segment}/`;
      segment = '';
    } else segment += ch;
  }
  return { isGlob: false, base: base + segment };
}

function normalizeLiteral(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * Rules indexed by the literal directory they apply under, so a lookup tests
 * only the rules on the target's own ancestor chain plus the unanchored ones.
 */
export class PathRuleSet {
  private readonly exact = new Map<string, RuleRef>();
  private readonly byBase = new Map<string, Array<{ test: (p: string) => boolean; rule: RuleRef }>>();
  private readonly unanchored: Array<{ test: (p: string) => boolean; rule: RuleRef }> = [];
  /** Length of the longest base: ancestors longer than it cannot have rules (keeps a lookup linear in a huge path). */
  private maxBase = 0;
  size = 0;

  add(pattern: PathPattern, rule: RuleRef): void {
    this.size++;
    if (pattern.exact !== undefined) {
      if (!this.exact.has(pattern.exact)) this.exact.set(pattern.exact, rule);
      return;
    }
    const entry = { test: pattern.test, rule };
    if (pattern.base === '') {
      this.unanchored.push(entry);
      return;
    }
    if (pattern.base.length > this.maxBase) this.maxBase = pattern.base.length;
    const list = this.byBase.get(pattern.base);
    if (list) list.push(entry);
    else this.byBase.set(pattern.base, [entry]);
  }

  first(path: string): RuleRef | undefined {
    let best = this.exact.get(path);
    best = firstIn(this.unanchored, path, best);
    if (this.byBase.size > 0 && path.charCodeAt(0) === 47 /* / */) {
      best = firstIn(this.byBase.get('/'), path, best);
      const max = this.maxBase;
      let i = path.indexOf('/', 1);
      while (i !== -1 && i <= max) {
        best = firstIn(this.byBase.get(path.slice(0, i)), path, best);
        i = path.indexOf('/', i + 1);
      }
      if (path.length > 1 && path.length <= max) best = firstIn(this.byBase.get(path), path, best);
    }
    return best;
  }
}

function firstIn(
  list: Array<{ test: (p: string) => boolean; rule: RuleRef }> | undefined,
  path: string,
  best: RuleRef | undefined,
): RuleRef | undefined {
  if (!list) return best;
  for (const entry of list) {
    if (best && entry.rule.order > best.order) return best;
    if (entry.test(path)) return earlier(best, entry.rule);
  }
  return best;
}
