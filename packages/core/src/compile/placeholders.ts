import { homedir, tmpdir } from 'node:os';

export interface PlaceholderValues {
  readonly cwd: string;
  readonly home: string;
  readonly tmp: string;
}

export const PLACEHOLDER_NAMES = ['cwd', 'home', 'tmp'] as const;

export function defaultPlaceholders(cwd = process.cwd()): PlaceholderValues {
  return { cwd, home: homedir(), tmp: tmpdir() };
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** Names used in `text` that are not known placeholders (so a typo is an error, not a literal). */
export function unknownPlaceholders(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!(PLACEHOLDER_NAMES as readonly string[]).includes(m[1]!)) bad.push(m[0]);
  }
  return bad;
}

/**
 * Replaces `${cwd}`, `${home}` and `${tmp}`. `escape` protects characters of the
 * substituted values that would otherwise be read as pattern syntax (a home
 * directory named `a (b)` must match literally).
 */
export function expandPlaceholders(text: string, values: PlaceholderValues, escape: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (values as unknown as Record<string, string>)[name];
    return value === undefined ? whole : escape(trimTrailingSlash(value));
  });
}

function trimTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
