/** A single policy entry after compilation: where it came from, for verdicts and records. */
export interface RuleRef {
  /** Position in its list; lower wins when several match. */
  readonly order: number;
  /** Field path of the entry, e.g. `deny.fs.read[0]` or `scopes[1].allow.net.connect[0]`. */
  readonly id: string;
  /** The entry as written in the policy. */
  readonly text: string;
  /** Set for entries that match everything (`true`, `false`, flows): the reason in words. */
  readonly note?: string;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

/** Keeps the lowest-order match while scanning candidate rules. */
export function earlier(a: RuleRef | undefined, b: RuleRef | undefined): RuleRef | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.order <= b.order ? a : b;
}
