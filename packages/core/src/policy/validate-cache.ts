import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../version.js';

// Bound before any sensor patches fs: this is Palisade's own I/O.
const { lstatSync, mkdirSync, openSync, closeSync } = fs;

/**
 * Remembers policies that passed validation, so that later processes (every
 * restart, every child Node process) skip loading zod and building the
 * schema — the larger part of Palisade's start-up cost. An entry is an empty
 * file named by the sha256 of this Palisade version and the policy's data,
 * in a directory only this user can write (checked before use). Anything off —
 * wrong owner or mode, an unwritable temp dir — just means validating again.
 */
const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
const dir = join(tmpdir(), `palisade-${uid}`, 'validated');
let usable: boolean | undefined;

function privateDir(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && (uid === -1 || st.uid === uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function cacheDir(): string | undefined {
  if (usable === undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      // fall through to the check
    }
    usable = privateDir(join(dir, '..')) && privateDir(dir);
  }
  return usable ? dir : undefined;
}

function keyOf(data: unknown): string | undefined {
  try {
    return createHash('sha256').update(VERSION).update('\0').update(JSON.stringify(data)).digest('hex');
  } catch {
    return undefined; // not JSON-shaped data: validate
  }
}

export function knownValid(data: unknown): boolean {
  const d = cacheDir();
  const key = d && keyOf(data);
  if (!d || !key) return false;
  try {
    const st = lstatSync(join(d, key));
    return st.isFile() && (uid === -1 || st.uid === uid);
  } catch {
    return false;
  }
}

export function rememberValid(data: unknown): void {
  const d = cacheDir();
  const key = d && keyOf(data);
  if (!d || !key) return;
  try {
    // open/close only: writeFileSync would reach the (possibly wrapped) public openSync.
    closeSync(openSync(join(d, key), 'w', 0o600));
  } catch {
    // a cache that cannot be written only costs time
  }
}
