import dns from 'node:dns';
import { type Runtime, type Verdict, activeRuntime, deniedError } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { callbackDenied, lastCallback, rejectDenied } from '../../fail.js';
import { canonicalHost, dnsServerTarget, isAddress, isLiteralIP, reverseName } from '../../normalize/endpoint.js';
import { checkedCallback, takeListenLookup } from './check.js';

type Fn = (...args: unknown[]) => unknown;

/** A DNS query is a `net.connect` to the name asked for, with no port: only the host has to match (DNS exfiltration). */
function decideQuery(rt: Runtime, name: string, api: string): Verdict {
  return rt.decideEndpoint('net.connect', { host: canonicalHost(name), port: null }, api);
}

/** The name a method queries: the PTR name for reverse lookups. */
function queryName(method: string, arg: unknown): string | undefined {
  if (typeof arg !== 'string') return undefined;
  return method === 'reverse' ? reverseName(arg) : arg;
}

function wrapQuery(method: string, api: string, promise: boolean) {
  return (original: Fn): Fn =>
    function query(this: unknown, ...args: unknown[]): unknown {
      const rt = activeRuntime();
      const name = rt === undefined ? undefined : queryName(method, args[0]);
      if (name === undefined || (!promise && lastCallback(args) === undefined)) return original.apply(this, args); // Node throws for bad arguments
      const v = decideQuery(rt!, name, api);
      if (v.action !== 'deny') return original.apply(this, args);
      if (promise) return rejectDenied(v);
      callbackDenied(v, lastCallback(args));
      return undefined;
    };
}

/**
 * `dns.lookup` (getaddrinfo): the query leaves the machine only for names, so
 * empty hosts and address literals in any numeric form pass unchecked. A
 * lookup that `Server#listen` makes for the host just checked is not a new
 * query: its answer is checked as the listen address instead.
 */
function wrapLookup(api: string, promise: boolean) {
  return (original: Fn): Fn =>
    function lookup(this: unknown, hostname: unknown, ...rest: unknown[]): unknown {
      const rt = activeRuntime();
      if (rt === undefined || typeof hostname !== 'string' || hostname === '' || isLiteralIP(hostname)) return original.call(this, hostname, ...rest);
      if (!promise) {
        const listen = takeListenLookup(hostname);
        const cb = lastCallback(rest);
        if (listen !== undefined && cb !== undefined) {
          rest[rest.length - 1] = checkedCallback(listen, cb);
          return original.call(this, hostname, ...rest);
        }
        if (cb === undefined) return original.call(this, hostname, ...rest); // Node throws
      }
      const canonical = canonicalHost(hostname);
      if (isAddress(canonical)) return original.call(this, hostname, ...rest);
      const v = decideQuery(rt, hostname, api);
      if (v.action !== 'deny') return original.call(this, hostname, ...rest);
      if (promise) return rejectDenied(v);
      callbackDenied(v, lastCallback(rest));
      return {};
    };
}

/** `lookupService(address, port)` asks for the PTR record of the address. */
function wrapLookupService(api: string, promise: boolean) {
  return (original: Fn): Fn =>
    function lookupService(this: unknown, ...args: unknown[]): unknown {
      const rt = activeRuntime();
      const name = rt === undefined ? undefined : queryName('reverse', args[0]);
      if (name === undefined || (!promise && typeof args[2] !== 'function')) return original.apply(this, args);
      const v = decideQuery(rt!, name, api);
      if (v.action !== 'deny') return original.apply(this, args);
      if (promise) return rejectDenied(v);
      callbackDenied(v, args[2]);
      return undefined;
    };
}

/**
 * `setServers` decides where every later query goes: each server is a
 * `net.connect` target (port 53 unless given). A denied server throws, as an
 * invalid one does, and the resolver keeps its previous servers.
 */
function wrapSetServers(original: Fn): Fn {
  return function setServers(this: unknown, servers: unknown, ...rest: unknown[]): unknown {
    const rt = activeRuntime();
    if (rt !== undefined && Array.isArray(servers)) {
      const list = [...(servers as unknown[])];
      for (const entry of list) {
        const target = typeof entry === 'string' ? dnsServerTarget(entry) : undefined;
        if (target === undefined) continue; // Node rejects it
        const v = rt.decideEndpoint('net.connect', target, 'dns.setServers');
        if (v.action === 'deny') throw deniedError(v);
      }
      return original.call(this, list, ...rest);
    }
    return original.call(this, servers, ...rest);
  };
}

function isQueryMethod(key: string): boolean {
  return key.startsWith('resolve') || key === 'reverse';
}

/** Query methods of a Resolver prototype and the module-level copies bound to the default resolver. */
function wrapResolvers(moduleObj: Record<string, unknown>, proto: Record<string, unknown>, prefix: string, promise: boolean): void {
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (isQueryMethod(key) && typeof proto[key] === 'function') wrap(proto, key, wrapQuery(key, `${prefix}.${key}`, promise));
  }
  for (const key of Object.keys(moduleObj)) {
    if (isQueryMethod(key) && typeof moduleObj[key] === 'function') wrap(moduleObj, key, wrapQuery(key, `${prefix}.${key}`, promise));
  }
  wrap(moduleObj, 'lookup', wrapLookup(`${prefix}.lookup`, promise));
  wrap(moduleObj, 'lookupService', wrapLookupService(`${prefix}.lookupService`, promise));
  // setServers lives on the base class both Resolver classes share.
  let holder: object | null = proto;
  while (holder !== null && !Object.prototype.hasOwnProperty.call(holder, 'setServers')) holder = Object.getPrototypeOf(holder) as object | null;
  if (holder !== null) wrap(holder, 'setServers', wrapSetServers);
}

export function installDns(): void {
  const mod = dns as unknown as Record<string, unknown>;
  wrapResolvers(mod, dns.Resolver.prototype as unknown as Record<string, unknown>, 'dns', false);
  const promises = dns.promises as unknown as Record<string, unknown>;
  wrapResolvers(promises, dns.promises.Resolver.prototype as unknown as Record<string, unknown>, 'dns.promises', true);
}
