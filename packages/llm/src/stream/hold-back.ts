import { type ActedFinding, holdBackLimit, redactionLabel } from '../guards/detect.js';

/**
 * The streaming output guard for one text channel (one choice, one content
 * block). Text that could still turn into something a detector matches is
 * held back; everything before it is scanned with some already-released
 * context and released, redacted where a finding says so. A `block` finding
 * throws before any of its text is released.
 *
 * What is held (the hold-back window), from the earliest of:
 *  - the trailing token (no whitespace yet after it), unless it is a plain word
 *    of fewer than 8 letters: secrets, keys, URLs, e-mail addresses and
 *    canaries are single tokens, so a plain short word can be let through at
 *    once (this keeps the time to first token unchanged for ordinary prose);
 *  - a trailing run of digits and separators (card and phone numbers span spaces);
 *  - an unclosed markdown link or image (`[text](url` without its `)`);
 *  - an unclosed `-----BEGIN` block (PEM keys span lines);
 *  - a finding that reaches into the held text (it may still grow);
 * but never more than `maxHold` characters (then the oldest held text is
 * released, scanned). At the end of the channel everything is released.
 */

export interface HoldBackOptions {
  /** Characters held at most (default: the detectors' longest match, 4096). */
  readonly maxHold?: number;
  /** Released characters re-scanned as left context (default 256). */
  readonly context?: number;
  /** Known tokens (canaries): a trailing token that could be the start of one is held, however short. */
  readonly watch?: readonly string[];
}

export interface HoldBackHooks {
  /** Findings in `text`, offsets relative to it. */
  scan(text: string): ActedFinding[];
  /** Called once per finding as its text is released (or about to be, for `block`). Throw to cut the stream. */
  onFinding(finding: ActedFinding): void;
}

/** The detectors' longest match (read when first needed). */
export const DEFAULT_MAX_HOLD = (): number => holdBackLimit();
const DEFAULT_CONTEXT = 256;
const PLAIN_WORD_MAX = 7;
const LINK_MAX = 2048;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000;
}

const TRAILING_PUNCT = /[.,;:!?'")\]]+$/;
const NON_LETTER = /[^\p{L}]/u;

/** Whether a token may still become (or be part of) a secret, URL, address or canary. */
function suspiciousToken(token: string): boolean {
  if (token.length > PLAIN_WORD_MAX + 4) return true;
  const t = token.replace(TRAILING_PUNCT, '');
  if (t.length === 0) return false;
  return t.length > PLAIN_WORD_MAX || NON_LETTER.test(t);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Characters that continue a card or phone number: digits, spaces, ( ) . - / + */
function inNumberRun(c: number): boolean {
  return isDigit(c) || c === 32 || c === 9 || c === 40 || c === 41 || c === 46 || c === 45 || c === 47 || c === 43;
}

/** States of the markdown link tracker. */
const Link = { Out: 0, Text: 1, After: 2, Url: 3, Ref: 4 } as const;
type LinkState = (typeof Link)[keyof typeof Link];

export class HoldBack {
  private text = '';
  /** Absolute offset of text[0]. */
  private base = 0;
  /** Absolute offset up to which text has been released. */
  private released = 0;
  private readonly seen = new Set<string>();
  private readonly labelled = new Set<string>();
  private readonly maxHold: number;
  private readonly context: number;
  private readonly watch: readonly string[];
  /** Most characters held at once. */
  maxHeld = 0;

  constructor(
    private readonly hooks: HoldBackHooks,
    options: HoldBackOptions = {},
  ) {
    this.maxHold = options.maxHold ?? DEFAULT_MAX_HOLD();
    this.context = options.context ?? DEFAULT_CONTEXT;
    this.watch = (options.watch ?? []).map((w) => w.toLowerCase());
  }

  private watched(token: string): boolean {
    if (this.watch.length === 0 || token.length === 0) return false;
    const t = token.toLowerCase();
    return this.watch.some((w) => w.startsWith(t));
  }

  /** Characters received but not yet released. */
  get held(): number {
    return this.base + this.text.length - this.released;
  }

  /** Adds a delta; returns what may be released now (possibly empty, possibly redacted). */
  push(delta: string): string {
    if (delta.length === 0) return '';
    this.text += delta;
    this.observe(delta);
    const out = this.release(false);
    if (this.held > this.maxHeld) this.maxHeld = this.held;
    return out;
  }

  /** The end of the channel: releases everything that is left. */
  flush(): string {
    return this.release(true);
  }

  // Incremental trackers, fed each character once.
  private tokenStart = 0;
  private runStart = -1;
  private runDigit = -1;
  private link: LinkState = Link.Out;
  private linkStart = 0;
  private linkDepth = 0;
  private pemStart = -1;
  private pemScanned = 0;
  private prev = 0;

  private observe(delta: string): void {
    let pos = this.base + this.text.length - delta.length;
    for (let i = 0; i < delta.length; i++, pos++) {
      const c = delta.charCodeAt(i);
      if (isSpace(c)) this.tokenStart = pos + 1;
      if (inNumberRun(c)) {
        if (this.runStart < 0) this.runStart = pos;
        if (this.runDigit < 0 && isDigit(c)) this.runDigit = pos;
      } else {
        this.runStart = -1;
        this.runDigit = -1;
      }
      this.stepLink(c, pos);
      this.prev = c;
    }
    // PEM armour: an open BEGIN line holds until its END line.
    const from = Math.max(this.base, this.pemScanned - 128);
    const slice = this.text.slice(from - this.base);
    const re = /-----(BEGIN|END[ A-Za-z0-9_]{0,100}-----)/g;
    for (let m = re.exec(slice); m; m = re.exec(slice)) {
      const at = from + m.index;
      if (at + m[0].length <= this.pemScanned) continue;
      if (m[1] === 'BEGIN') {
        if (this.pemStart < 0) this.pemStart = at;
      } else this.pemStart = -1;
    }
    this.pemScanned = this.base + this.text.length;
  }

  private stepLink(c: number, pos: number): void {
    switch (this.link) {
      case Link.Out:
        if (c === 91 /* [ */) {
          this.link = Link.Text;
          this.linkDepth = 1;
          this.linkStart = this.prev === 33 /* ! */ ? pos - 1 : pos;
        }
        return;
      case Link.Text:
        if (c === 91) this.linkDepth++;
        else if (c === 93 /* ] */ && --this.linkDepth === 0) this.link = Link.After;
        else if (c === 10 && this.prev === 10) this.link = Link.Out;
        break;
      case Link.After:
        if (c === 40 /* ( */) this.link = Link.Url;
        else if (c === 91) this.link = Link.Ref;
        else {
          this.link = Link.Out;
          this.stepLink(c, pos);
          return;
        }
        break;
      case Link.Url:
        if (c === 41 /* ) */) this.link = Link.Out;
        break;
      case Link.Ref:
        if (c === 93) this.link = Link.Out;
        break;
    }
    if (this.link !== Link.Out && pos - this.linkStart > LINK_MAX) this.link = Link.Out;
  }

  /** Absolute offset from which the text must be held. */
  private holdPoint(): number {
    const end = this.base + this.text.length;
    let hold = end;
    if (this.tokenStart < end) {
      const token = this.text.slice(Math.max(this.tokenStart, this.base) - this.base);
      if (suspiciousToken(token) || this.watched(token)) hold = this.tokenStart;
    }
    if (this.runDigit >= 0 && this.runStart < hold) hold = this.runStart;
    if (this.link !== Link.Out && this.linkStart < hold) hold = this.linkStart;
    if (this.pemStart >= 0 && this.pemStart < hold) hold = this.pemStart;
    if (end - hold > this.maxHold) hold = end - this.maxHold;
    if (hold < this.released) hold = this.released;
    return hold;
  }

  private release(final: boolean): string {
    const end = this.base + this.text.length;
    let safe = final ? end : this.holdPoint();
    if (safe <= this.released) return '';
    const windowStart = Math.max(this.base, this.released - this.context);
    const window = this.text.slice(windowStart - this.base);
    const findings = this.hooks
      .scan(window)
      .map((f) => ({ ...f, start: f.start + windowStart, end: f.end + windowStart }))
      .filter((f) => f.end > this.released);
    if (!final) {
      // A finding that reaches into the held text may still grow: hold it whole.
      let moved = true;
      while (moved) {
        moved = false;
        for (const f of findings) {
          if (f.start < safe && f.end > safe && f.start >= this.released && f.start < safe) {
            safe = f.start;
            moved = true;
          }
        }
      }
      if (safe <= this.released) return '';
    }
    const redactions: Array<{ start: number; end: number; label: string | undefined }> = [];
    for (const f of findings) {
      if (f.start >= safe) continue;
      const key = `${f.start}:${f.detector}:${f.rule}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.hooks.onFinding(f);
      }
      if (f.action === 'redact' || f.action === 'block') {
        const labelKey = `${f.start}:${f.detector}`;
        const label = this.labelled.has(labelKey) ? undefined : redactionLabel(f.detector);
        this.labelled.add(labelKey);
        redactions.push({ start: Math.max(f.start, this.released), end: Math.min(f.end, safe), label });
      }
    }
    const out = this.cut(this.released, safe, redactions);
    this.released = safe;
    const keep = this.released - this.context;
    if (keep - this.base > this.context) {
      this.text = this.text.slice(keep - this.base);
      this.base = keep;
    }
    return out;
  }

  private cut(from: number, to: number, redactions: Array<{ start: number; end: number; label: string | undefined }>): string {
    if (redactions.length === 0) return this.text.slice(from - this.base, to - this.base);
    redactions.sort((a, b) => a.start - b.start);
    let out = '';
    let pos = from;
    for (const r of redactions) {
      if (r.end <= pos) continue;
      if (r.start > pos) out += this.text.slice(pos - this.base, r.start - this.base);
      if (r.label && r.start >= pos) out += r.label;
      pos = Math.max(pos, r.end);
    }
    if (pos < to) out += this.text.slice(pos - this.base, to - this.base);
    return out;
  }
}
