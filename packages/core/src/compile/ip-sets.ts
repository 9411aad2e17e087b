import type { IpAddr } from '../cjs-deps.js';
import { parseCIDR } from './host.js';

/**
 * Named address sets usable in `net.*` rules as `@name`. Each lists CIDRs and,
 * where a provider publishes one, host names that lead to the same service.
 */
export interface NamedSet {
  readonly cidrs: ReadonlyArray<[IpAddr.IPv4 | IpAddr.IPv6, number]>;
  readonly names: readonly string[];
}

/** Parsed on first use: most policies name one set or none, and a cold ipaddr.js parse costs start-up ~0.3 ms a range. */
function set(cidrs: string[], names: string[] = []): NamedSet {
  let parsed: NamedSet['cidrs'] | undefined;
  return {
    get cidrs() {
      return (parsed ??= cidrs.map((c) => parseCIDR(c)));
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
