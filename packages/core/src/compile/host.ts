import { type IpAddr, ipaddr } from '../cjs-deps.js';

/**
 * Parses the IPv4 forms that inet_aton (and so getaddrinfo and the WHATWG URL
 * parser) accept: one to four parts, each decimal, octal (leading 0) or hex
 * (0x), the last part filling the remaining bytes. `2130706433`, `0x7f.1`,
 * `0177.0.0.1` and `127.1` are all 127.0.0.1. Returns null for anything else.
 */
export function parseLooseIPv4(host: string): string | null {
  const parts = host.split('.');
  if (parts.length > 4 || parts.length === 0) return null;
  const nums: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(part)) n = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) n = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) n = Number(part);
    else return null;
    if (!Number.isSafeInteger(n)) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  const lastBytes = 4 - nums.length;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * lastBytes)) return null;
  let value = 0;
  for (const n of nums) value = value * 256 + n;
  value = value * 2 ** (8 * lastBytes) + last;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

// The first 12 bytes of 64:ff9b::/96 (written out: parsing it would load ipaddr.js's parser at start-up).
const NAT64_WELL_KNOWN = '0,100,255,155,0,0,0,0,0,0,0,0';

/**
 * Canonical host for matching: lower case, no trailing dots, no brackets or
 * zone id; every numeric IPv4 form in dotted decimal; IPv6 compressed, with
 * IPv4-mapped (::ffff:a.b.c.d) and well-known NAT64 (64:ff9b::/96) addresses
 * turned into the IPv4 address they reach.
 */
export function normalizeHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const zone = host.indexOf('%');
  if (zone !== -1 && host.includes(':')) host = host.slice(0, zone);
  while (host.endsWith('.') && host.length > 1) host = host.slice(0, -1);
  if (host.includes(':')) {
    if (!ipaddr.IPv6.isValid(host)) return host;
    const v6 = ipaddr.IPv6.parse(host);
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
    const bytes = v6.toByteArray();
    if (bytes.slice(0, 12).join(',') === NAT64_WELL_KNOWN) return bytes.slice(12).join('.');
    return v6.toString();
  }
  if (/^[0-9a-fx.]+$/.test(host)) return parseLooseIPv4(host) ?? host;
  return host;
}

export type ParsedIP = IpAddr.IPv4 | IpAddr.IPv6;

/** The address if `host` (already normalized) is an IP literal. */
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

// Four decimal parts without leading zeros (ipaddr.js's isValidFourPartDecimal, less the 0-255 check).
const FOUR_PART_DECIMAL = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

export function parseIP(host: string): ParsedIP | null {
  // Cheap shape tests first: ipaddr's validators throw and catch internally, which is slow on names.
  if (DOTTED_QUAD.test(host)) {
    if (!FOUR_PART_DECIMAL.test(host)) return null;
    // Built from its parts: ipaddr.js's general parser costs milliseconds on its first use (start-up).
    const parts = host.split('.').map(Number);
    return parts.every((n) => n <= 255) ? new ipaddr.IPv4(parts) : null;
  }
  if (host.includes(':') && ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return null;
}

const CIDR_BITS_V4 = /^(?:[12]?\d|3[0-2])$/;

/** `address/bits`, as ipaddr.js's parseCIDR reads it; a dotted-quad IPv4 range without its general parser. */
export function parseCIDR(text: string): [ParsedIP, number] {
  const slash = text.indexOf('/');
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (slash > 0 && DOTTED_QUAD.test(address) && CIDR_BITS_V4.test(bits)) {
    const ip = parseIP(address);
    if (ip !== null) return [ip, Number(bits)];
  }
  return ipaddr.parseCIDR(text);
}

const addressCache = new Map<string, ParsedIP | null>();
const ADDRESS_CACHE_LIMIT = 1024;

/**
 * The address a connection actually used, normalized and parsed. The same few
 * addresses come back on every connection, so they are parsed once (the parse
 * is most of an uncached address check).
 */
export function addressIP(address: string): ParsedIP | null {
  let ip = addressCache.get(address);
  if (ip === undefined) {
    ip = parseIP(normalizeHost(address));
    if (addressCache.size >= ADDRESS_CACHE_LIMIT) addressCache.clear();
    if (address.length <= 64) addressCache.set(address, ip);
  }
  return ip;
}

export function formatEndpoint(host: string, port: number | null): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}
