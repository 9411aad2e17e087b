import type { Finding } from './types.js';
import { assertBounded } from './util/regex-bound.js';
import { excerpt } from './util/evidence.js';

/**
 * Exfiltration URLs: links a model writes that would carry data to a host outside the allow list.
 * Markdown and HTML images are fetched by the client that renders them, with no click, so an image
 * whose URL carries data is the classic zero-click channel; links and bare URLs count when they
 * carry a long encoded value. Hosts the caller allows (net.connect's allow list) never count.
 */
const URL_MAX = 2048;
const MD_IMAGE = assertBounded(/!\[[^\]\n]{0,256}\]\(\s{0,4}<?((?:https?:)?\/\/[^\s)>]{1,2048})/g);
const MD_LINK = assertBounded(/(?<!!)\[[^\]\n]{0,256}\]\(\s{0,4}<?((?:https?:)?\/\/[^\s)>]{1,2048})/g);
const HTML_IMG = assertBounded(/<(?:img|image|iframe|script|link|source|video|audio)\b[^>]{0,512}?\b(?:src|href|srcset|data)\s{0,3}=\s{0,3}["']?((?:https?:)?\/\/[^\s"'>]{1,2048})/gi);
const BARE = assertBounded(/\bhttps?:\/\/[^\s<>"'`)\]}]{1,2048}/gi);
// a value that looks like data rather than a word: base64/hex/url-encoded, 24+ characters
const ENCODED = /^(?:[A-Za-z0-9+/_-]{24,2048}={0,2}|[0-9a-fA-F]{24,2048}|(?:%[0-9a-fA-F]{2}|[A-Za-z0-9._~+-]){24,2048})$/;

export const EXFIL_URL_MAX_LENGTH = URL_MAX + 300;

function parse(url: string): URL | undefined {
  try {
    return new URL(url.startsWith('//') ? `https:${url}` : url);
  } catch {
    return undefined;
  }
}

/** Pieces of a URL that can carry data: query values, fragment and path segments. */
function dataCarriers(u: URL): string[] {
  const parts: string[] = [];
  for (const [, v] of u.searchParams) parts.push(v);
  if (u.hash.length > 1) parts.push(u.hash.slice(1));
  for (const seg of u.pathname.split('/')) if (seg) parts.push(seg);
  return parts;
}

function looksEncoded(v: string): boolean {
  if (v.length < 24 || !ENCODED.test(v)) return false;
  // long words joined by dashes (slugs) are not data: require digits or mixed case
  return /\d/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v)) || v.includes('%');
}

export function detectExfilUrls(text: string, opts: { isAllowedHost?: (host: string) => boolean } = {}): Finding[] {
  const out: Finding[] = [];
  // spans already reported, sorted and disjoint: an overlap query is a binary search
  const starts: number[] = [];
  const ends: number[] = [];
  const overlaps = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && ends[lo - 1]! > start;
  };
  const cover = (start: number, end: number): void => {
    let i = starts.length;
    while (i > 0 && starts[i - 1]! > start) i--;
    starts.splice(i, 0, start);
    ends.splice(i, 0, end);
  };
  const allowed = (host: string | undefined): boolean => host !== undefined && opts.isAllowedHost !== undefined && opts.isAllowedHost(host);
  const consider = (url: string, start: number, end: number, kind: 'image' | 'link' | 'bare'): void => {
    if (overlaps(start, end)) return;
    const u = parse(url);
    if (u === undefined) return;
    const host = u.hostname.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
    if (allowed(host)) return;
    const query = u.search;
    // cheap exit: nothing in the URL can carry data
    if (query.length <= 1 && u.hash.length <= 1 && u.pathname.length < 25) return;
    const encoded = dataCarriers(u).some(looksEncoded);
    let rule: string | undefined;
    let score = 0;
    if (kind === 'image' && (query.length > 1 || encoded)) {
      rule = 'image-with-data';
      score = encoded ? 0.95 : 0.8;
    } else if (encoded) {
      rule = kind === 'image' ? 'image-with-data' : 'encoded-data';
      score = kind === 'bare' ? 0.7 : 0.8;
    } else if (query.length > 200) {
      rule = 'long-query';
      score = 0.6;
    }
    if (rule === undefined) return;
    cover(start, end);
    out.push({ detector: 'exfil-url', rule, severity: score >= 0.9 ? 'high' : 'medium', score, start, end, evidence: `${host}: ${excerpt(text, start, end, 60)}` });
  };
  for (const [re, kind] of [[MD_IMAGE, 'image'], [HTML_IMG, 'image'], [MD_LINK, 'link'], [BARE, 'bare']] as const) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const url = m[1] ?? m[0];
      const start = m.index + m[0].length - url.length;
      consider(url, start, start + url.length, kind);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every pattern the exfil-url detector runs (for the boundedness test). */
export const EXFIL_PATTERNS: readonly RegExp[] = [MD_IMAGE, MD_LINK, HTML_IMG, BARE, ENCODED];
