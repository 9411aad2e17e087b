import { CANARY_MAX_LENGTH } from './canary.js';
import { EXFIL_URL_MAX_LENGTH } from './exfil-url.js';

/**
 * How many trailing characters a streaming guard must hold back (not yet release to the client)
 * so that a secret, canary token or exfiltration URL split across chunks is still seen whole by
 * the next scan: 4096. It covers every secret rule except whole PEM private keys (up to 8 KB),
 * which the `private-key-header` rule catches from their first line; canary tokens (≤ 58
 * characters) and exfiltration URLs (≤ 2348 characters with their markdown).
 *
 * Usage: scan `held + chunk`; release all but the last MAX_HOLD_BACK characters (minus any redacted
 * span that reaches into them); keep the rest as `held`; at end of stream scan and release `held`.
 */
export const MAX_HOLD_BACK = 4096;

/** Longest match each streaming-relevant detector needs; MAX_HOLD_BACK is at least each of these. */
export const HOLD_BACK_PARTS = {
  canary: CANARY_MAX_LENGTH,
  'exfil-url': EXFIL_URL_MAX_LENGTH,
} as const;
