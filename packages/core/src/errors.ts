import type { Capability } from './capabilities.js';

/** Thrown (or passed to callbacks, or emitted) when the policy denies an operation. */
export class PalisadeDeniedError extends Error {
  readonly code = 'ERR_PALISADE_DENIED' as const;
  readonly capability: Capability;
  readonly target: string;
  readonly rule: string;
  readonly reason: string;

  constructor(capability: Capability, target: string, rule: string, reason: string) {
    super(`Palisade denied ${capability} ${target}: ${reason} (${rule})`);
    this.name = 'PalisadeDeniedError';
    this.capability = capability;
    this.target = target;
    this.rule = rule;
    this.reason = reason;
  }
}

/** A policy that cannot be used. `problems` holds one line per problem, each naming the field. */
export class PalisadePolicyError extends Error {
  readonly code = 'ERR_PALISADE_POLICY' as const;
  readonly problems: readonly string[];
  readonly source: string;

  constructor(source: string, problems: readonly string[]) {
    const head = `invalid Palisade policy (${source}): ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super([head, ...problems.map((p) => `  ${p}`)].join('\n'));
    this.name = 'PalisadePolicyError';
    this.problems = problems;
    this.source = source;
  }
}

export function isPalisadeDenied(err: unknown): err is PalisadeDeniedError {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_PALISADE_DENIED';
}
