import { type IpAddr, ipaddr } from '../cjs-deps.js';
import { parseCIDR } from './host.js';

/**
 * Named address sets usable in `net.*` rules as `@name`. Each lists CIDRs and,
 * where a provider publishes one, host names that lead to the same service.
 */
export interface NamedSet {
  /** The ranges as written here. */
  readonly ranges: readonly string[];
  readonly cidrs: ReadonlyArray<[IpAddr.IPv4 | IpAddr.IPv6, number]>;
  readonly names: readonly string[];
}

/**
 * One of the constant ranges below. IPv6 ones are written as hex groups with at most one `::` (no
 * embedded IPv4, no zone) and built from their parts: ipaddr.js's general parser costs start-up ~1 ms
 * on its first use (the recommended preset names @metadata). A test checks each against ipaddr.js.
 */
function constantRange(text: string): [IpAddr.IPv4 | IpAddr.IPv6, number] {
  const [address = '', bits = ''] = text.split('/');
  if (!address.includes(':')) return parseCIDR(text);
  const groups = (s: string | undefined) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const [head, tail] = address.split('::');
  const front = groups(head);
  const back = groups(tail);
  const parts = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return [new ipaddr.IPv6(parts), Number(bits)];
}

/** Parsed on first use: most policies name one set or none. */
function set(ranges: string[], names: string[] = []): NamedSet {
  let parsed: NamedSet['cidrs'] | undefined;
  return {
    ranges,
    get cidrs() {
      return (parsed ??= ranges.map(constantRange));
    },
    names,
  };
}

export const NAMED_SETS: Readonly<Record<string, NamedSet>> = {
  // Cloud instance metadata: AWS/Azure/GCP/OCI/DigitalOcean, AWS IPv6, ECS task metadata, Alibaba.
  metadata: set(
    ['169.254.169.254/32', 'fd00:ec2::254/128', '169.254.170.2/32', '100.100.100.200/32'],
    ['metadata.google.internal', 'metadata.goog', 'metadata'],
  ),
  // RFC 1918, carrier-grade NAT (RFC 6598) and IPv6 unique local addresses.
  private: set(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']),
  // Loopback, plus the unspecified addresses, which a connect() turns into loopback on Linux.
  loopback: set(['127.0.0.0/8', '::1/128', '0.0.0.0/8', '::/128'], ['localhost']),
  'link-local': set(['169.254.0.0/16', 'fe80::/10']),
};

export const NAMED_SET_NAMES = Object.keys(NAMED_SETS);

// Listening on an unspecified address means every interface, not loopback.
const LOOPBACK_FOR_LISTEN = set(['127.0.0.0/8', '::1/128'], ['localhost']);

/** The set `@name` stands for in a rule of this capability, or undefined. */
export function namedSet(name: string, capability: 'net.connect' | 'net.listen' = 'net.connect'): NamedSet | undefined {
  if (capability === 'net.listen' && name === 'loopback') return LOOPBACK_FOR_LISTEN;
  return Object.prototype.hasOwnProperty.call(NAMED_SETS, name) ? NAMED_SETS[name] : undefined;
}
