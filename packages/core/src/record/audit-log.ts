import fs from 'node:fs';
import { sha256Hex, uniqueHex16 } from '../hash.js';

// Bound before any sensor patches `fs`, so the log's own I/O is never checked or recorded.
const { openSync, writeSync, fsyncSync, closeSync, fstatSync, readSync, mkdirSync } = fs;
import { dirname } from 'node:path';

export const GENESIS = '0'.repeat(64);
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
const FLUSH_INTERVAL_MS = 100;
/** What chaining adds to a record's body: `{"seq":…,"chain":"…","prev":"…",` and the newline. */
const LINE_OVERHEAD = 120;

export const sha256 = sha256Hex;

/**
 * A record waiting to be chained: its body serialized when appended (later
 * changes to it are not written), or, for the start record, when chained (its
 * facts may be computed then: the policy's hash).
 */
interface Queued {
  readonly seq: number;
  readonly body: string | (() => string);
}

/** The fields the chain itself writes first in every line; a record's own are left out. */
const CHAIN_FIELDS = ['seq', 'chain', 'prev'] as const;

function bodyOf(record: Readonly<Record<string, unknown>>): string {
  if (CHAIN_FIELDS.some((k) => Object.prototype.hasOwnProperty.call(record, k))) {
    const rest: Record<string, unknown> = { ...record };
    for (const k of CHAIN_FIELDS) delete rest[k];
    return JSON.stringify(rest);
  }
  return JSON.stringify(record);
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
 * Denies are written synchronously; other records are batched. A record is
 * serialized when appended, and chained (its `prev` computed) when written:
 * the hashing stays off the app's start (and is done without `node:crypto`).
 */
export class AuditLog {
  private chainId: string | undefined;
  private fd: number;
  private seq = 0;
  private prev = GENESIS;
  /** Appended, not yet chained. */
  private queued: Queued[] = [];
  /** Chained lines not yet written (a failed write keeps them, within a bound). */
  private lines: string[] = [];
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
    // Batched, not synchronous: it reaches the file with the next record written, at the latest at exit.
    const start = { type: 'start', pid: process.pid, recoveredTornTail: recovered || undefined };
    this.enqueue(() => bodyOf({ ...start, ...options.start }), false);
  }

  /** This writer's chain: 16 hex digits, unique to it. */
  get chain(): string {
    return (this.chainId ??= uniqueHex16());
  }

  /** Adds a record to the chain. `sync`: on disk (in the kernel, or fsynced if configured) before returning. */
  append(record: Readonly<Record<string, unknown>>, sync: boolean): void {
    if (this.closed) return;
    this.enqueue(bodyOf(record), sync);
  }

  private enqueue(body: string | (() => string), sync: boolean): void {
    this.queued.push({ seq: this.seq++, body });
    this.pendingBytes += (typeof body === 'string' ? body.length : 0) + LINE_OVERHEAD;
    if (sync || this.pendingBytes > MAX_PENDING_BYTES / 8) this.flush(sync && this.options.fsync === true);
    else this.schedule();
  }

  /** Writes everything pending. Never throws: failures are counted and reported. */
  flush(durable = false): void {
    if (this.lines.length === 0 && this.queued.length === 0) return;
    try {
      this.chainQueued();
      writeAll(this.fd, `${this.lines.join('\n')}\n`);
      if (durable) fsyncSync(this.fd);
      this.written += this.lines.length;
      this.lines = [];
      this.pendingBytes = 0;
    } catch (err) {
      this.failures++;
      let lost = 0;
      // Keep what could not be written for the next attempt, within a bound.
      while (this.pendingBytes > MAX_PENDING_BYTES && this.lines.length > 0) {
        this.pendingBytes -= this.lines.shift()!.length + 1;
        lost++;
      }
      this.dropped += lost;
      this.options.onError?.(err as Error, lost);
    }
  }

  /** Gives each queued record its place in the chain, in order: `{seq, chain, prev, ...record}`. */
  private chainQueued(): void {
    if (this.queued.length === 0) return;
    const chain = JSON.stringify(this.chain);
    for (const { seq, body } of this.queued) {
      let text: string;
      try {
        text = typeof body === 'string' ? body : body();
      } catch {
        text = '{"type":"start"}'; // a fact that could not be computed is left out, not the record
      }
      const line = `{"seq":${seq},"chain":${chain},"prev":"${this.prev}"${text === '{}' ? '}' : `,${text.slice(1)}`}`;
      this.prev = sha256Hex(line);
      this.lines.push(line);
      // The estimate made when queued, made exact.
      this.pendingBytes += line.length + 1 - ((typeof body === 'string' ? body.length : 0) + LINE_OVERHEAD);
    }
    this.queued = [];
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
