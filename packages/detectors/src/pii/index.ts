import type { Finding, Severity } from '../types.js';
import { assertBounded } from '../util/regex-bound.js';
import { maskTail } from '../util/evidence.js';
import { ibanValid, luhnValid, ssnValid } from './checksums.js';

/**
 * Personal data: e-mail addresses, phone numbers, payment cards (Luhn), IBANs (mod 97), US SSNs,
 * IPv4/IPv6 addresses and JWTs (which usually carry a user's identity). Each pattern is bounded and
 * most are confirmed by a checksum or structure check, so ordinary numbers do not count.
 */
interface PiiRule {
  readonly rule: string;
  readonly severity: Severity;
  readonly score: number;
  readonly re: RegExp;
  /** Returns false to drop the match. */
  readonly check?: (m: RegExpExecArray, text: string) => boolean;
  readonly evidence: (value: string) => string;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const notWordAround = (m: RegExpExecArray, text: string): boolean => {
  const before = text.charCodeAt(m.index - 1);
  const after = text.charCodeAt(m.index + m[0].length);
  const word = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return !word(before) && !word(after);
};

const RULES: readonly PiiRule[] = [
  {
    rule: 'payment-card',
    severity: 'high',
    score: 0.95,
    // 13-19 digits, optionally in groups separated by single spaces or dashes
    re: /[3-6]\d{3}(?:[ -]?\d{2,4}){2,4}(?:[ -]?\d{1,3})?/g,
    check: (m, t) => {
      if (!notWordAround(m, t)) return false;
      const d = digitsOf(m[0]);
      if (d.length < 13 || d.length > 19) return false;
      const seps = m[0].match(/[ -]/g);
      if (seps && new Set(seps).size > 1) return false;
      return /^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5|4[4-9]|22)|3(?:0[0-5]|[689])|35)/.test(d) && luhnValid(d) && !/^(\d)\1+$/.test(d);
    },
    evidence: (v) => maskTail(v, 4),
  },
  {
    rule: 'iban',
    severity: 'high',
    score: 0.95,
    re: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    check: (m) => ibanValid(m[0].replace(/ /g, '')),
    evidence: (v) => `${v.slice(0, 4)}…${maskTail(v.slice(-4), 2)}`,
  },
  {
    rule: 'us-ssn',
    severity: 'high',
    score: 0.9,
    re: /\b(\d{3})-(\d{2})-(\d{4})\b/g,
    check: (m, t) => ssnValid(m[1]!, m[2]!, m[3]!) && t[m.index - 1] !== '-' && t[m.index + m[0].length] !== '-',
    evidence: (v) => `***-**-${v.slice(-4)}`,
  },
  {
    rule: 'phone',
    severity: 'medium',
    score: 0.75,
    // international +CC … or North American (NXX) NXX-XXXX; needs separators or a + so plain numbers do not count
    re: /(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4})\b/g,
    check: (m, t) => {
      const d = digitsOf(m[0]);
      if (d.length < 8 || d.length > 15) return false;
      const before = t[m.index - 1];
      // versions, dates and decimals look alike: 1.2.3.4, 2024-01-01
      return before === undefined || !/[\w.\-/:]/.test(before);
    },
    evidence: (v) => maskTail(v, 2),
  },
  {
    rule: 'ipv4',
    severity: 'low',
    score: 0.6,
    re: /\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b/g,
    check: (m, t) => t[m.index - 1] !== '.' && t[m.index + m[0].length] !== '.' && !/^(?:0\.|127\.0\.0\.1$|255\.255\.255\.)/.test(m[0]) && m[0] !== '0.0.0.0',
    evidence: (v) => v.replace(/\.\d{1,3}$/, '.x'),
  },
  {
    rule: 'ipv6',
    severity: 'low',
    score: 0.6,
    re: /\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4}\b/g,
    check: (m) => (m[0].match(/:/g)?.length ?? 0) >= 2 && /[0-9]/.test(m[0]) && m[0].replace(/:/g, '').length >= 4 && !/^::?1$/.test(m[0]),
    evidence: (v) => `${v.split(':').slice(0, 2).join(':')}:…`,
  },
  {
    rule: 'jwt',
    severity: 'high',
    score: 0.9,
    re: /\beyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{0,1024}/g,
    check: (m) => {
      try {
        const header = JSON.parse(Buffer.from(m[0].slice(0, m[0].indexOf('.')), 'base64url').toString('utf8')) as unknown;
        return typeof header === 'object' && header !== null;
      } catch {
        return false;
      }
    },
    evidence: (v) => `${v.slice(0, 10)}…[${v.length} chars]`,
  },
];
for (const r of RULES) assertBounded(r.re);

export const PII_RULES: readonly string[] = ['email', ...RULES.map((r) => r.rule)];

// e-mail: found from each '@' (scanning back over the local part, forward over the domain), so
// text without '@' costs one indexOf
const EMAIL_DOMAIN = assertBounded(/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}\b/y);
function isLocalChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function findEmails(text: string, out: Finding[]): void {
  let prevEnd = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > prevEnd && at - s < 64 && isLocalChar(text.charCodeAt(s - 1))) s--;
    while (s < at && (text[s] === '.' || text[s] === '-' || text[s] === '_')) s++;
    if (s === at) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const m = EMAIL_DOMAIN.exec(text);
    if (m === null) continue;
    const end = at + 1 + m[0].length;
    const v = text.slice(s, end);
    out.push({ detector: 'pii', rule: 'email', severity: 'medium', score: 0.9, start: s, end, evidence: `email: ${v[0]}***${v.slice(at - s)}` });
    prevEnd = end;
    at = end - 1;
  }
}

// IPv6: only around a colon that follows a hex digit, in a window an address (the full form is 39
// characters: the "::" form is at most 60) cannot outgrow; ordinary text costs one indexOf per colon
function isHexOrColon(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function findIPv6(text: string, r: PiiRule, out: Finding[]): void {
  const n = text.length;
  let from = 0;
  for (let p = text.indexOf(':'); p >= 0; p = text.indexOf(':', Math.max(p + 1, from))) {
    if (p < from || p === 0 || !isHexOrColon(text.charCodeAt(p - 1))) continue;
    let s = p;
    while (s > from && p - s < 64 && isHexOrColon(text.charCodeAt(s - 1))) s--;
    const ws = Math.max(0, s - 1);
    const we = Math.min(n, p + 66);
    const win = text.slice(ws, we);
    const re = r.re;
    re.lastIndex = s - ws;
    const m = re.exec(win);
    // a match must hold this colon: one that starts later is found from its own colon, whole
    if (m === null || ws + m.index > p) continue;
    const start = ws + m.index;
    const end = start + m[0].length;
    from = end;
    const full = { ...m, index: start } as RegExpExecArray;
    if (r.check && !r.check(full, text)) continue;
    out.push({ detector: 'pii', rule: r.rule, severity: r.severity, score: r.score, start, end, evidence: `${r.rule}: ${r.evidence(m[0])}` });
  }
}

export function detectPII(text: string): Finding[] {
  const out: Finding[] = [];
  findEmails(text, out);
  for (const r of RULES) {
    if (r.rule === 'ipv6') {
      findIPv6(text, r, out);
      continue;
    }
    const re = r.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (r.check && !r.check(m, text)) continue;
      out.push({ detector: 'pii', rule: r.rule, severity: r.severity, score: r.score, start: m.index, end: m.index + m[0].length, evidence: `${r.rule}: ${r.evidence(m[0])}` });
    }
  }
  // a card number is not also a phone number
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of out) {
    const prev = kept[kept.length - 1];
    if (prev && f.start < prev.end) {
      if (f.score > prev.score) kept[kept.length - 1] = f;
      continue;
    }
    kept.push(f);
  }
  return kept;
}

/** Every pattern the PII detector runs (for the boundedness test). */
export const PII_PATTERNS: readonly RegExp[] = [EMAIL_DOMAIN, ...RULES.map((r) => r.re)];
