import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { cacheKey } from '../hash.js';

// Bound before any sensor patches fs: this is Palisade's own I/O.
const { lstatSync, mkdirSync, openSync, closeSync, readSync, writeSync, renameSync, unlinkSync } = fs;

/**
 * Remembers policies that passed validation, so that later processes (every
 * restart, every child Node process) skip loading zod and building the
 * schema — the larger part of Palisade's start-up cost. An entry is a file
 * holding this Palisade version and the policy's data (JSON), named by a fast
 * hash of them, in a directory only this user can write (checked before use).
 * A policy counts as known only when an entry's content equals it: a hash
 * collision is a miss, never a pass. Anything off — wrong owner or mode, an
 * unwritable temp dir — just means validating again.
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

interface Entry {
  readonly file: string;
  readonly content: Buffer;
}

function entryOf(data: unknown): Entry | undefined {
  const d = cacheDir();
  if (d === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    return undefined; // not JSON-shaped data: validate
  }
  if (typeof json !== 'string') return undefined;
  const text = `${VERSION}\0${json}`;
  return { file: join(d, `v2-${cacheKey(text)}`), content: Buffer.from(text) };
}

export function knownValid(data: unknown): boolean {
  const entry = entryOf(data);
  if (entry === undefined) return false;
  try {
    const st = lstatSync(entry.file);
    if (!st.isFile() || (uid !== -1 && st.uid !== uid) || st.size !== entry.content.length) return false;
    return readWhole(entry.file, st.size).equals(entry.content);
  } catch {
    return false;
  }
}

export function rememberValid(data: unknown): void {
  const entry = entryOf(data);
  if (entry === undefined) return;
  // Written whole under a temporary name, then renamed: a concurrent reader sees all of it or nothing.
  const temp = `${entry.file}.${process.pid}.tmp`;
  try {
    // Palisade's own bound fs calls: writeFileSync would reach the (possibly wrapped) public openSync.
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, entry.content);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, entry.file);
  } catch {
    // a cache that cannot be written only costs time
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}

function readWhole(file: string, size: number): Buffer {
  const buf = Buffer.alloc(size);
  const fd = openSync(file, 'r');
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
