import net from 'node:net';
import url from 'node:url';
import { type EndpointTarget, normalizeHost, parseIP } from '@palisade/core';
import { toAbsolute } from './path.js';

// Own copies, taken when Palisade loads (see normalize/path.ts for why).
const isIP = net.isIP;
const urlToHttpOptions = url.urlToHttpOptions;
const URLClass = URL;
const isArray = Array.isArray;
const assign = Object.assign;

const CACHE_LIMIT = 4096;
/** Long URLs (a big query string, say) are parsed every time, never cached: the caches must stay small whatever the app requests. */
const MAX_CACHED_URL = 2048;
const hostCache = new Map<string, string>();

/**
 * The host as the guard matches it (see core's normalizeHost), cached: the
 * same few hosts are asked for again and again, and normalizing allocates.
 */
export function canonicalHost(raw: string): string {
  let host = hostCache.get(raw);
  if (host === undefined) {
    host = normalizeHost(raw);
    if (raw.length > 1024) return host; // no DNS name is this long: not worth keeping
    if (hostCache.size >= CACHE_LIMIT) hostCache.clear();
    hostCache.set(raw, host);
  }
  return host;
}

/**
 * Where a connection to an address really goes: Linux (and other systems)
 * send a connect to the unspecified address (0.0.0.0, ::) to the local host,
 * so a rule on 127.0.0.1 must see it. Undefined for every other address.
 */
export function reachedAddress(canonical: string): string | undefined {
  if (canonical === '0.0.0.0') return '127.0.0.1';
  if (canonical === '::') return '::1';
  return undefined;
}

/** A connect target for `host` (any spelling) and `port`, with the address it reaches when that differs. */
export function destination(host: string, port: number | null): EndpointTarget {
  const canonical = canonicalHost(host);
  const address = reachedAddress(canonical);
  return address === undefined ? { host: canonical, port } : { host: canonical, port, address };
}

/** True when Node itself takes `host` as an address and skips DNS (`net.isIP`). */
export function isLiteralIP(host: string): boolean {
  return isIP(host) !== 0;
}

/** True for a canonical host (from `canonicalHost`) that is an IP address. */
export function isAddress(canonical: string): boolean {
  return isIP(canonical) !== 0;
}

function hasZeroDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] === '0') return true;
  return false;
}

/**
 * The port Node will use, or -1 where Node's `validatePort` throws. Written
 * with language operators only, so a patched String.prototype cannot make a
 * port look invalid here (and pass unchecked) while Node accepts it.
 */
export function portOf(value: unknown, allowZero = true): number {
  if (typeof value === 'number') {
    if (value !== value >>> 0 || value > 0xffff || (!allowZero && value === 0)) return -1;
    return value;
  }
  if (typeof value === 'string') {
    const n = +value;
    // `+' '` is 0: Node rejects blank strings, which are the only ones without a digit that give 0.
    if (n !== n >>> 0 || n > 0xffff || (n === 0 && !hasZeroDigit(value))) return -1;
    return n | 0;
  }
  return -1;
}

/**
 * A unix socket path as matched by `unix:`/`/` patterns: absolute against the
 * cwd. Linux abstract sockets (leading NUL) have no file; they show as `@name`.
 */
export function socketPathOf(path: string): string {
  if (path.charCodeAt(0) === 0) return `@${path.slice(1)}`;
  return toAbsolute(path);
}

/** The name a reverse lookup queries (`4.3.2.1.in-addr.arpa`), or undefined for a non-address. */
export function reverseName(ip: string): string | undefined {
  const addr = parseIP(canonicalHost(ip));
  if (addr === null) return undefined;
  if (addr.kind() === 'ipv4') return `${addr.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const hex = addr.toByteArray().map((b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
  return `${hex.split('').reverse().join('.')}.ip6.arpa`;
}

/** A `host`, `host:port` or `[v6]:port` DNS server entry as `Resolver#setServers` reads it, with port 53 by default. */
export function dnsServerTarget(entry: string): EndpointTarget | undefined {
  if (isIP(entry) !== 0) return { host: canonicalHost(entry), port: 53 };
  const bracket = /^\[([^[\]]*)\]/.exec(entry);
  if (bracket && isIP(bracket[1]!) !== 0) {
    const port = Number.parseInt(entry.replace(/(^.+?)(?::(\d+))?$/, '$2')) || 53;
    return { host: canonicalHost(bracket[1]!), port };
  }
  const split = /(^.+?)(?::(\d+))?$/.exec(entry);
  if (split && isIP(split[1]!) !== 0) return { host: canonicalHost(split[1]!), port: Number.parseInt(split[2] ?? '53') };
  return undefined;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** Host and port of a network URL (http, https, ws, wss); undefined for others or invalid ones. */
export function urlTarget(href: string): EndpointTarget | undefined {
  // An app fetches the same URLs over and over (an LLM client, one endpoint): parsed once each.
  let t = hrefCache.get(href);
  if (t === undefined) {
    t = parseUrlTarget(href) ?? null;
    if (href.length > MAX_CACHED_URL) return t ?? undefined;
    if (hrefCache.size >= CACHE_LIMIT) hrefCache.clear();
    hrefCache.set(href, t);
  }
  return t ?? undefined;
}

const hrefCache = new Map<string, EndpointTarget | null>();

function parseUrlTarget(href: string): EndpointTarget | undefined {
  let u: URL;
  try {
    u = new URLClass(href);
  } catch {
    return undefined;
  }
  const fallback = DEFAULT_PORTS[u.protocol];
  if (fallback === undefined) return undefined;
  const host = u.hostname.charCodeAt(0) === 91 ? u.hostname.slice(1, -1) : u.hostname;
  return destination(host, u.port === '' ? fallback : Number(u.port));
}

type AgentLike = object & {
  readonly defaultPort?: unknown;
  readonly protocol?: unknown;
  readonly addRequest?: unknown;
};

export interface HttpRequestTarget {
  readonly target: EndpointTarget;
  /** The agent Node will use, when it is not the default one. */
  readonly agent: AgentLike | undefined;
  /** The arguments as Node merges them (URL fields, then options), and the response callback. */
  readonly options: Record<string, unknown>;
  readonly callback: unknown;
}

const urlOptionsCache = new Map<string, Record<string, unknown>>();

/** `urlToHttpOptions(new URL(s))`, cached by string (parsing is most of what reading a request costs); a fresh copy each time. */
function urlStringOptions(input: string): Record<string, unknown> {
  let cached = urlOptionsCache.get(input);
  if (cached === undefined) {
    cached = urlToHttpOptions(new URLClass(input)) as Record<string, unknown>;
    if (input.length > MAX_CACHED_URL) return { ...cached };
    if (urlOptionsCache.size >= CACHE_LIMIT) urlOptionsCache.clear();
    urlOptionsCache.set(input, cached);
  }
  return { ...cached };
}

function isURLLike(v: unknown): v is URL {
  // Node's own test (internal/url isURL) for "treat this argument as a URL".
  const o = v as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown } | null;
  return Boolean(o?.href && o.protocol && o.auth === undefined && o.path === undefined);
}

function validHost(v: unknown): v is string | undefined | null {
  return v === undefined || v === null || typeof v === 'string';
}

/**
 * Where `http.request`/`https.request`/`get` will connect, read the way
 * ClientRequest reads its arguments: URL string or object, then options
 * merged over it, `hostname` before `host`, the port from options, the
 * agent's default port, or 80; `socketPath` for unix sockets. Undefined when
 * Node will throw for these arguments (or they cannot be read).
 */
export function httpRequestTarget(args: readonly unknown[], defaultAgent: AgentLike | undefined, secure: boolean): HttpRequestTarget | undefined {
  const input = args[0];
  let options: unknown;
  let callback: unknown;
  let fromUrl: Record<string, unknown> | null = null;
  try {
    if (typeof input === 'string') fromUrl = urlStringOptions(input);
    else if (isURLLike(input)) fromUrl = urlToHttpOptions(input) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (fromUrl !== null) {
    options = args[1];
    callback = args[2];
  } else {
    options = input;
    callback = args[1];
  }
  let merged: Record<string, unknown>;
  if (typeof options === 'function') {
    callback = options;
    merged = fromUrl ?? {};
  } else {
    merged = assign(fromUrl ?? {}, options);
  }
  // https.request always sets its own global agent as the default; http.request honours `_defaultAgent`.
  const base = secure ? defaultAgent : ((merged._defaultAgent as AgentLike | undefined) || defaultAgent);
  let agent = merged.agent as AgentLike | false | null | undefined;
  if (agent === false) agent = base;
  else if (agent === null || agent === undefined) agent = typeof merged.createConnection === 'function' ? undefined : base;
  else if (typeof agent !== 'object' || typeof agent.addRequest !== 'function') return undefined;
  const socketPath = merged.socketPath;
  if (socketPath) {
    if (typeof socketPath !== 'string') return undefined;
    return { target: { host: 'localhost', port: null, socketPath: socketPathOf(socketPath) }, agent, options: merged, callback };
  }
  const port = portOf(merged.port || merged.defaultPort || agent?.defaultPort || 80);
  if (port < 0) return undefined;
  const hostname = merged.hostname;
  const hostOpt = merged.host;
  if (!validHost(hostname) || !validHost(hostOpt)) return undefined;
  const host = hostname || hostOpt || 'localhost';
  return { target: destination(host, port), agent: agent === base ? undefined : agent, options: merged, callback };
}
