import type { Capability, Mode } from '../capabilities.js';

export type Action = 'allow' | 'deny' | 'alert';

/**
 * The outcome of one check. Verdicts are cached and shared: treat them as
 * immutable. `alert` is what a deny becomes in monitor and learn modes.
 */
export interface Verdict {
  readonly action: Action;
  readonly capability: Capability;
  /** The target as matched, in display form. */
  readonly target: string;
  /** Field path of the policy entry that decided, e.g. `deny.fs.read[0]`, `allow.net.connect`, `flows[1]`, `default`. */
  readonly rule: string;
  /** Why, in words. */
  readonly reason: string;
  readonly mode: Mode;
  /** Labels the current scope takes on because this allowed operation matched a `trust` entry. */
  readonly labels?: readonly string[];
}
