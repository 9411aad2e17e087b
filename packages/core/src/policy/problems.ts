import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `allow.net.connect[2]`: dotted keys, indexes in brackets. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Keys a strict object accepts, for did-you-mean; provided by the caller per path. */
export type KnownKeys = (path: readonly PathKey[]) => readonly string[];

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * One line per problem: field path, the bad value, what was expected. Union
 * failures are reported through the alternative that got furthest, so a bad
 * entry in a list is named rather than "invalid input".
 */
export function describeIssues(issues: readonly Issue[], input: unknown, knownKeys: KnownKeys): string[] {
  const lines: string[] = [];
  // `paht` for `path` is one problem: the "missing" line for the key it stands for is left out.
  const misspelled = new Set<string>();
  const visit = (issue: Issue, prefix: readonly PathKey[]) => {
    const path = [...prefix, ...issue.path];
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'invalid_union': {
        const options = issue.errors;
        // An alternative that got past the value's type (into its fields or its own checks) tells most.
        const deep = options.filter((errs) => errs.some((e) => e.path.length > 0 || (e.code !== 'invalid_type' && e.code !== 'invalid_value')));
        if (deep.length > 0) {
          const best = deep.reduce((a, b) => (depth(b) > depth(a) ? b : a));
          for (const e of best) visit(e, path);
          return;
        }
        // Otherwise every alternative refused the value itself: name them all (`false or object`).
        const expected = [...new Set(options.flat().map((e) => (e.code === 'invalid_type' ? String(e.expected) : e.code === 'invalid_value' ? e.values.map((v) => JSON.stringify(v)).join(' | ') : e.message)))];
        const typeOnly = options.flat().every((e) => e.code === 'invalid_type');
        lines.push(`${formatPath(path)}: ${describeValue(value)}: expected ${expected.join(' or ')}${typeOnly && value !== undefined ? `, got ${kindOf(value)}` : ''}`);
        return;
      }
      case 'unrecognized_keys': {
        const known = knownKeys(path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known);
          const where = formatPath([...path, key]);
          if (hint) misspelled.add(formatPath([...path, hint]));
          lines.push(`${where}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (expected one of ${known.join(', ')})` : ''}`);
        }
        return;
      }
      case 'invalid_type':
        lines.push(`${formatPath(path)}: ${describeValue(value)}: expected ${issue.expected}${value === undefined ? '' : `, got ${kindOf(value)}`}`);
        return;
      case 'invalid_value':
        lines.push(`${formatPath(path)}: ${describeValue(value)}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`);
        return;
      case 'invalid_key': {
        for (const e of issue.issues) lines.push(`${formatPath(path)}: key ${describeValue(issue.input)}: ${e.message}`);
        return;
      }
      default:
        lines.push(`${formatPath(path)}: ${describeValue(value)}: ${issue.message}`);
    }
  };
  for (const issue of issues) visit(issue, []);
  return lines.filter((l) => ![...misspelled].some((p) => l.startsWith(`${p}: missing:`)));
}

function depth(errs: readonly Issue[]): number {
  return Math.max(...errs.map((e) => e.path.length + (e.code === 'invalid_type' ? 0 : 0.5)));
}
