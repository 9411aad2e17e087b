import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';

// Bound before any sensor patches `fs`, so the log's own I/O is never checked or recorded.
const { openSync, writeSync, fsyncSync, closeSync, fstatSync, readSync, mkdirSync } = fs;
import { dirname } from 'node:path';

export const GENESIS = '0'.repeat(64);
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
const FLUSH_INTERVAL_MS = 100;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface AuditLogOptions {
  readonly fsync?: boolean | undefined;
  /** Facts written in the chain's first record (policy hash, mode, versions). */
  readonly start?: Readonly<Record<string, unknown>> | undefined;
  readonly onError?: ((err: Error, dropped: number) => void) | undefined;
}

/**
 * Append-only JSONL audit log. Every line carries `chain` (one per writer),
 * `seq`, and `prev`, the sha256 of the writer's previous line, so edits,
 * deletions and reordering are detectable. Several processes may append to one
 * file: each keeps its own chain, and each write is one `write(2)` of whole lines.
 * Denies are written synchronously; other records are batched.
 */
export class AuditLog {
  readonly chain = randomBytes(8).toString('hex');
  private fd: number;
  private seq = 0;
  private prev = GENESIS;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  written = 0;
  failures = 0;
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly options: AuditLogOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    const recovered = endsTorn(this.fd);
    // A torn line left by a killed writer is closed with a newline so our chain starts clean.
    if (recovered) writeSync(this.fd, '\n');
    this.append({ type: 'start', pid: process.pid, recoveredTornTail: recovered || undefined, ...options.start }, true);
  }

  /** Adds a record to the chain. `sync`: on disk (in the kernel, or fsynced if configured) before returning. */
  append(record: Readonly<Record<string, unknown>>, sync: boolean): void {
    if (this.closed) return;
    const line = JSON.stringify({ seq: this.seq, chain: this.chain, prev: this.prev, ...record });
    this.seq++;
    this.prev = sha256(line);
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (sync || this.pendingBytes > MAX_PENDING_BYTES / 8) this.flush(sync && this.options.fsync === true);
    else this.schedule();
  }

  /** Writes everything pending. Never throws: failures are counted and reported. */
  flush(durable = false): void {
    if (this.pending.length === 0) return;
    const data = `${this.pending.join('\n')}\n`;
    try {
      writeAll(this.fd, data);
      if (durable) fsyncSync(this.fd);
      this.written += this.pending.length;
      this.pending = [];
      this.pendingBytes = 0;
    } catch (err) {
      this.failures++;
      let lost = 0;
      // Keep what could not be written for the next attempt, within a bound.
      while (this.pendingBytes > MAX_PENDING_BYTES && this.pending.length > 0) {
        this.pendingBytes -= this.pending.shift()!.length + 1;
        lost++;
      }
      this.dropped += lost;
      this.options.onError?.(err as Error, lost);
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush(this.options.fsync === true);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_INTERVAL_MS);
    this.timer.unref();
  }
}

function writeAll(fd: number, data: string): void {
  const buf = Buffer.from(data);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function endsTorn(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}
