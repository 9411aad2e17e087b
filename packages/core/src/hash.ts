import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

/**
 * Hashing without loading `node:crypto` at start-up. Loading it costs ~1.5 ms
 * of every process start, and nothing Palisade does before the app's first
 * line needs a cryptographic hash: the caches compare their contents outright,
 * and the audit log hashes its chain when it writes. `node:crypto` is loaded
 * by the first call that does need it.
 */
let crypto: typeof Crypto | undefined;

function loadCrypto(): typeof Crypto {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (crypto ??= (getBuiltin?.('node:crypto') ?? createRequire(import.meta.url)('node:crypto')) as typeof Crypto);
}

export function sha256Hex(data: string | Uint8Array): string {
  return loadCrypto().createHash('sha256').update(data).digest('hex');
}

/** `bytes` random bytes, as hex, from the system's secure source. */
export function randomHex(bytes: number): string {
  return loadCrypto().randomBytes(bytes).toString('hex');
}

/**
 * A 64-bit FNV-1a hash of a string's UTF-16 code units, as 16 hex digits: a
 * file name for a cache entry whose content is compared in full before use, so
 * a collision costs a cache miss, never a wrong answer. Not for anything an
 * adversary chooses to collide.
 */
export function cacheKey(text: string): string {
  // Two 32-bit lanes (FNV-1a with two offset bases) keep the arithmetic in small integers.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
