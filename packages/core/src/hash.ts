import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import { sha256Js } from './sha256.js';

/**
 * Hashing without loading `node:crypto` (~1.5–3 ms of a process's life): the
 * caches compare their contents outright, and short texts (an audit record,
 * a policy) are hashed in JavaScript (sha256.ts). `node:crypto` is loaded by
 * the first hash of something large (eval'd source, say), and used from then on.
 */
let crypto: typeof Crypto | undefined;

function loadCrypto(): typeof Crypto {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (crypto ??= (getBuiltin?.('node:crypto') ?? createRequire(import.meta.url)('node:crypto')) as typeof Crypto);
}

/** Above this many characters (or bytes) `node:crypto` is worth loading. */
const JS_HASH_LIMIT = 16 * 1024;

/** The SHA-256 of `data` (a string as UTF-8), as hex: in JavaScript for short data until `node:crypto` is loaded. */
export function sha256Hex(data: string | Uint8Array): string {
  if (crypto === undefined && (typeof data === 'string' ? data.length : data.byteLength) <= JS_HASH_LIMIT) return sha256Js(data);
  return loadCrypto().createHash('sha256').update(data).digest('hex');
}

/**
 * An identifier for one writer (an audit chain), unique among a process's and
 * its neighbours' without `node:crypto`: 16 hex digits from V8's random source
 * (seeded per process from the system's), the process id and the clock. Not a
 * secret: it names a chain, it does not protect one.
 */
export function uniqueHex16(): string {
  const a = (Math.random() * 0x100000000) ^ (process.pid << 8) ^ Date.now();
  const b = (Math.random() * 0x100000000) ^ Number(process.hrtime.bigint() & 0xffffffffn);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
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
