import { NAMED_SET_NAMES, namedSet } from './ip-sets.js';
import { type ParsedIP, addressIP, normalizeHost, parseCIDR, parseIP } from './host.js';
import { type PathPattern, PathRuleSet, parsePathPattern } from './path-pattern.js';
import type { PlaceholderValues } from './placeholders.js';
import { type ParseResult, type RuleRef, earlier, fail, ok } from './rule.js';

/** What a network operation is about: the host as asked for, its port, and the address actually used once known. */
export interface EndpointTarget {
  readonly host: string;
  /** null when no port is involved (a DNS query): then only the host has to match. */
  readonly port: number | null;
  readonly address?: string | undefined;
  /** Unix domain socket path; host and port are then unused. */
  readonly socketPath?: string | undefined;
}

type PortMatch = { readonly lo: number; readonly hi: number } | null; // null: any port

type HostMatch =
  | { readonly kind: 'any' }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'suffix'; readonly suffix: string } // `*.example.com`
  | { readonly kind: 'glob'; readonly re: RegExp }
  | { readonly kind: 'cidr'; readonly ranges: ReadonlyArray<[ParsedIP, number]>; readonly names: readonly string[] };

export type EndpointPattern =
  | { readonly kind: 'net'; readonly host: HostMatch; readonly port: PortMatch }
  | { readonly kind: 'unix'; readonly path: PathPattern };

function parsePort(text: string): ParseResult<PortMatch> {
  if (text === '*' || text === '') return ok(null);
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > hi || hi > 65535) return fail(`port range ${text} must be ascending within 0-65535`);
    return ok({ lo, hi });
  }
  if (/^\d{1,5}$/.test(text) && Number(text) <= 65535) return ok({ lo: Number(text), hi: Number(text) });
  return fail('port must be a number, * or a range');
}

function parseHost(text: string, capability: 'net.connect' | 'net.listen'): ParseResult<HostMatch> {
  if (text === '*') return ok({ kind: 'any' });
  if (text.startsWith('@')) {
    const set = namedSet(text.slice(1), capability);
    if (!set) return fail(`unknown address set ${text}: expected one of ${NAMED_SET_NAMES.map((n) => `@${n}`).join(', ')}`);
    return ok({ kind: 'cidr', ranges: set.cidrs, names: set.names });
  }
  if (text.includes('/')) {
    try {
      const [addr, bits] = parseCIDR(text);
      return ok({ kind: 'cidr', ranges: [[addr, bits]], names: [] });
    } catch {
      return fail('is not a valid CIDR range');
    }
  }
  const host = normalizeHost(text);
  const ip = parseIP(host);
  if (ip) return ok({ kind: 'cidr', ranges: [[ip, ip.kind() === 'ipv4' ? 32 : 128]], names: [] });
  if (!/^[a-z0-9*_.-]+$/.test(host)) return fail('host must be a name, an IP address, a CIDR range, * or an @set');
  if (host.startsWith('*.') && !host.slice(2).includes('*')) return ok({ kind: 'suffix', suffix: host.slice(1) });
  if (host.includes('*')) {
    const re = new RegExp(`^${host.replace(/\./g, '\\.').replace(/\*/g, '[^.]*')}$`);
    return ok({ kind: 'glob', re });
  }
  return ok({ kind: 'name', name: host });
}

/**
 * `host:port` patterns. Host: a name, `*.suffix` (any depth of subdomain),
 * a name with `*` inside one label, an IP, a CIDR, `*`, or `@metadata`,
 * `@private`, `@loopback`, `@link-local`. Port: a number, `*`, `a-b`, or
 * omitted for any port. IPv6 goes in brackets (`[::1]:443`, `[fc00::/7]`) or
 * bare without a port. A pattern starting with `/`, `${` or `unix:` is a glob
 * over unix socket paths.
 */
export function parseEndpointPattern(text: string, values: PlaceholderValues, capability: 'net.connect' | 'net.listen' = 'net.connect'): ParseResult<EndpointPattern> {
  if (text.length === 0) return fail('must not be empty');
  if (text.startsWith('unix:') || text.startsWith('/') || text.startsWith('${') || text.startsWith('~/')) {
    const p = parsePathPattern(text.replace(/^unix:/, ''), values);
    return p.ok ? ok({ kind: 'unix', path: p.value }) : p;
  }
  let hostText: string;
  let portText = '';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return fail('IPv6 address is missing its closing ]');
    hostText = text.slice(1, close);
    if (!hostText.includes(':')) return fail('brackets hold an IPv6 address or range');
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return fail('expected :port after ]');
    portText = rest.slice(1);
  } else if ((text.match(/:/g) ?? []).length > 1) {
    hostText = text; // bare IPv6 without a port
  } else {
    const colon = text.lastIndexOf(':');
    hostText = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? '' : text.slice(colon + 1);
    if (colon !== -1 && portText === '') return fail('port must be a number, * or a range');
  }
  const host = parseHost(hostText, capability);
  if (!host.ok) return host;
  const port = parsePort(portText);
  if (!port.ok) return port;
  return ok({ kind: 'net', host: host.value, port: port.value });
}

function portMatches(p: PortMatch, port: number | null): boolean {
  return p === null || port === null || (port >= p.lo && port <= p.hi);
}

function inRanges(ip: ParsedIP | null, ranges: ReadonlyArray<[ParsedIP, number]>): boolean {
  if (!ip) return false;
  for (const [range, bits] of ranges) {
    if (range.kind() === ip.kind() && ip.match(range, bits)) return true;
  }
  return false;
}

/**
 * Endpoint rules. A name rule matches the host as asked for; an address rule
 * (IP, CIDR, @set) matches the host when it is an address and also the
 * address actually connected to, which is how names resolving to a denied
 * address are caught.
 */
export class EndpointRuleSet {
  private readonly byName = new Map<string, Array<{ port: PortMatch; rule: RuleRef }>>();
  private readonly others: Array<{ pattern: EndpointPattern; rule: RuleRef }> = [];
  private readonly unix = new PathRuleSet();
  size = 0;

  add(pattern: EndpointPattern, rule: RuleRef): void {
    this.size++;
    if (pattern.kind === 'unix') {
      this.unix.add(pattern.path, rule);
    } else if (pattern.host.kind === 'name') {
      const list = this.byName.get(pattern.host.name);
      if (list) list.push({ port: pattern.port, rule });
      else this.byName.set(pattern.host.name, [{ port: pattern.port, rule }]);
    } else {
      this.others.push({ pattern, rule });
    }
  }

  first(target: EndpointTarget): RuleRef | undefined {
    if (target.socketPath !== undefined) return this.unix.first(target.socketPath);
    let best: RuleRef | undefined;
    for (const e of this.byName.get(target.host) ?? []) {
      if (portMatches(e.port, target.port)) {
        best = earlier(best, e.rule);
        break;
      }
    }
    const hostIP = parseIP(target.host);
    const addrIP = target.address !== undefined ? addressIP(target.address) : null;
    for (const { pattern, rule } of this.others) {
      if (best && rule.order > best.order) break;
      if (pattern.kind !== 'net' || !portMatches(pattern.port, target.port)) continue;
      if (hostMatches(pattern.host, target.host, hostIP, addrIP)) return earlier(best, rule);
    }
    return best;
  }
}

function hostMatches(m: HostMatch, host: string, hostIP: ParsedIP | null, addrIP: ParsedIP | null): boolean {
  switch (m.kind) {
    case 'any':
      return true;
    case 'name':
      return host === m.name;
    case 'suffix':
      return hostIP === null && host.endsWith(m.suffix);
    case 'glob':
      return hostIP === null && m.re.test(host);
    case 'cidr':
      return m.names.includes(host) || inRanges(hostIP, m.ranges) || inRanges(addrIP, m.ranges);
  }
}
