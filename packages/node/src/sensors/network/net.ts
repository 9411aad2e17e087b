import net from 'node:net';
import { types } from 'node:util';
import { type Verdict, activeRuntime, currentScope, deniedError } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { canonicalHost, destination, isLiteralIP, portOf, socketPathOf } from '../../normalize/endpoint.js';
import { type AnswerContext, checkedLookup, clearListenLookup, expectListenLookup } from './check.js';
import { checkDeferredLoads } from '../../reach.js';

type Options = Record<string, unknown>;
type Normalized = [Options, unknown] & { [k: symbol]: unknown };
type AnySocket = net.Socket & {
  _parent?: { connecting?: boolean } | null;
  _handle?: unknown;
  _undestroy?: () => void;
  connecting: boolean;
};

const CONNECT_API = 'net.Socket.connect';
const LISTEN_API = 'net.Server.listen';

// Node's own argument normalizer and the marker it puts on normalized arrays.
const normalizeArgs = (net as unknown as { _normalizeArgs: (args: unknown[]) => Normalized })._normalizeArgs;
const NORMALIZED = Object.getOwnPropertySymbols(normalizeArgs([]))[0]!;
const isArray = Array.isArray;
const getSymbols = Object.getOwnPropertySymbols;
const defineProperty = Object.defineProperty;
const create = Object.create;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ownKeys = Reflect.ownKeys;
const isProxy = types.isProxy;
const OBJECT_PROTOTYPE = Object.prototype;
const BoundSocket = (net as unknown as { BoundSocket?: new (...a: unknown[]) => { address(): unknown } }).BoundSocket;
// Node >= 24 rejects a non-string host; older versions coerce it (more than once).
const NODE_VALIDATES_HOST = Number(process.versions.node.split('.')[0]) >= 24;

function normalized(options: Options, cb: unknown): Normalized {
  const arr = [options, cb] as Normalized;
  arr[NORMALIZED] = true;
  return arr;
}

const PINNED = new Set<PropertyKey>(['path', 'host', 'port', 'lookup']);

/**
 * The options Node is given in place of the caller's: the values checked
 * (path, host, port, lookup) as own properties, every other option as the
 * caller had it. An ordinary object (what Node's own argument normalizer
 * builds, and what callers usually pass) is copied: the checked values first,
 * then its other own properties, which must all be data properties
 * (copying reads no getter). Anything else (a getter among the
 * other options, another prototype, a Proxy) gets a stand-in that inherits
 * from it, so Node reads the other options through it as before. The copy is
 * the fast case: making a fresh object a prototype costs V8 several
 * microseconds per connect, and the copy keeps one shape for Node's code.
 */
function pinned(options: Options, path: unknown, host: unknown, port: unknown, lookup: unknown): Options {
  if (!isProxy(options) && getPrototypeOf(options) === OBJECT_PROTOTYPE) {
    const copy: Options = { path, host, port, lookup };
    let plain = true;
    for (const key of ownKeys(options)) {
      if (PINNED.has(key)) continue;
      const d = getOwnPropertyDescriptor(options, key);
      if (d === undefined || !('value' in d)) {
        plain = false;
        break;
      }
      defineProperty(copy, key, d);
    }
    if (plain) return copy;
  }
  return { __proto__: options, path, host, port, lookup } as Options;
}

const CONNECT_KEYS = ['path', 'port', 'host', 'lookup'] as const;

/**
 * A stand-in for options whose reading threw at key number `failed`: the
 * keys read before it as the values read, that key and the ones after it as
 * getters that throw the same error (nothing of the caller's is read again),
 * the rest inherited from the options as they are.
 */
function replaying(source: Options, values: readonly unknown[], failed: number, err: unknown): Options {
  const stand = create(source) as Options;
  CONNECT_KEYS.forEach((key, i) => {
    if (i < failed) defineProperty(stand, key, { value: values[i], writable: true, enumerable: true, configurable: true });
    else
      defineProperty(stand, key, {
        get: () => {
          throw err;
        },
        enumerable: true,
        configurable: true,
      });
  });
  return stand;
}

let boundSourceKey: symbol | undefined;

/** Node 24's adopted BoundSocket decides pipe-or-TCP by its handle, not by `path`. */
function boundHandleIsPipe(socket: AnySocket): boolean | undefined {
  if (BoundSocket === undefined || !socket._handle) return undefined;
  boundSourceKey ??= getSymbols(socket).find((s) => s.description === 'kBoundSource');
  if (boundSourceKey === undefined || !(socket as unknown as Record<symbol, unknown>)[boundSourceKey]) return undefined;
  return (socket._handle as { constructor?: { name?: string } }).constructor?.name === 'Pipe';
}

let originalConnect: ((this: AnySocket, ...args: unknown[]) => unknown) | undefined;

/**
 * Fails a denied connect through Node's own machinery: the connect goes ahead
 * with a lookup that answers with the denial (asynchronously, as a resolver
 * does), so Node creates the handle, queues writes, emits 'lookup', then
 * 'error' and 'close' exactly as for a name that does not resolve, and no
 * connect(2) is ever made. `shown` is the name the 'lookup' event carries.
 */
function failConnect(socket: AnySocket, v: Verdict, options: Options, cb: unknown, shown: string, port: number): unknown {
  const err = deniedError(v);
  const lookup = (_host: string, _opts: unknown, callback: (e: Error) => void) => void setImmediate(callback, err);
  const failing = { __proto__: options, path: undefined, host: shown, port, lookup } as Options;
  if (originalConnect !== undefined && boundHandleIsPipe(socket) !== true) return originalConnect.call(socket, normalized(failing, cb));
  // An adopted pipe handle cannot take the lookup path: fail it by hand, the same way.
  if (typeof cb === 'function') socket.once('connect', cb as () => void);
  socket.connecting = true;
  setImmediate(() => socket.destroy(err));
  return socket;
}

/** The host shown for a denied target: Node must see a name, so it runs the (failing) lookup. */
function shownHost(asked: string): string {
  return isLiteralIP(asked) ? `${asked}.` : asked;
}

/** A socket that is already failing with `v`, for APIs that take a socket factory. */
export function deniedSocket(v: Verdict, shown: string): net.Socket {
  const socket = new net.Socket() as AnySocket;
  failConnect(socket, v, {}, null, shownHost(shown), 0);
  return socket;
}

/**
 * Every TCP and unix-socket client connection in Node passes here: net.connect,
 * tls.connect (TLSSocket inherits it), http/https agents, http2, undici and
 * global fetch. The name (or address, or socket path) is checked before
 * anything happens; for names, the lookup Node runs is replaced by one that
 * checks each answer before Node may connect to it.
 */
function wrapConnect(original: (...args: unknown[]) => unknown) {
  return function connect(this: AnySocket, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    if (rt === undefined) return original.apply(this, args);
    checkDeferredLoads();
    const first = args[0];
    const n = isArray(first) && (first as Normalized)[NORMALIZED] ? (first as Normalized) : normalizeArgs(args);
    const options = n[0];
    const cb = n[1];
    // Node returns early when a parent (the socket a TLSSocket wraps) is connecting; so do we, without reading it twice.
    const parent = this._parent;
    if (parent && parent.connecting) {
      if (typeof cb === 'function') this.once('connect', cb as () => void);
      return this;
    }
    // Node reads the options again after this check: give it the values checked, not getters. Read in
    // Node's order (path, port, host, lookup); when a read throws, Node is given a stand-in that throws
    // the same error at that read (Node stops there, or at an error it checks first), and connects nowhere.
    let path: unknown, port: unknown, host: unknown, lookup: unknown;
    let read = 0;
    try {
      path = options.path;
      read = 1;
      port = options.port;
      read = 2;
      host = options.host;
      read = 3;
      lookup = options.lookup;
    } catch (err) {
      return original.call(this, normalized(replaying(options, [path, port, host], read, err), cb));
    }
    const pipe = boundHandleIsPipe(this) ?? !!path;
    if (pipe) {
      const snapshot = pinned(options, path, host, port, lookup);
      if (typeof path !== 'string') return original.call(this, normalized(snapshot, cb)); // Node throws
      const socketPath = socketPathOf(path);
      const v = rt.decideEndpoint('net.connect', { host: 'localhost', port: null, socketPath }, CONNECT_API);
      if (v.action === 'deny') return failConnect(this, v, snapshot, cb, socketPath, 0);
      return original.call(this, normalized(snapshot, cb));
    }
    if (host && typeof host !== 'string' && !NODE_VALIDATES_HOST) host = `${host as string}`;
    const snapshot = pinned(options, path, host, port, lookup);
    const portNumber = port === undefined ? 0 : portOf(port);
    if (portNumber < 0 || (host && typeof host !== 'string') || (port === undefined && path == null)) {
      return original.call(this, normalized(snapshot, cb)); // Node throws for these
    }
    const asked = (host as string) || 'localhost';
    const target = destination(asked, portNumber);
    const canonical = target.host;
    const v = rt.decideEndpoint('net.connect', target, CONNECT_API);
    if (v.action === 'deny') return failConnect(this, v, snapshot, cb, shownHost(asked), portNumber);
    if (!isLiteralIP(asked) && (lookup == null || typeof lookup === 'function')) {
      const ctx: AnswerContext = { rt, scope: currentScope(), capability: 'net.connect', host: canonical, port: portNumber, api: CONNECT_API };
      snapshot.lookup = checkedLookup(ctx, lookup);
    }
    return original.call(this, normalized(snapshot, cb));
  };
}

function toNumber(x: unknown): number | false {
  const n = Number(x);
  return n >= 0 ? n : false;
}

function ownValue(target: Options, key: string, value: unknown): void {
  defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

const LISTEN_KEYS = ['port', 'host', 'path', 'handle', '_handle', 'fd'] as const;

function failListen(server: net.Server, v: Verdict, cb: unknown): net.Server {
  if (typeof cb === 'function') server.once('listening', cb as () => void);
  const err = deniedError(v);
  process.nextTick(() => server.emit('error', err));
  return server;
}

/**
 * `Server#listen` (net, http, https, tls, http2 servers) → net.listen. Mirrors
 * Node's reading of its arguments; an options object is replaced by a copy
 * holding the values checked. Listening on an inherited handle or fd is not
 * checked (the handle was made elsewhere).
 */
function wrapListen(original: (...args: unknown[]) => unknown) {
  return function listen(this: net.Server, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    if (rt === undefined) return original.apply(this, args);
    const n = normalizeArgs(args);
    let options = n[0];
    const cb = n[1];
    const given: unknown = options;
    if (BoundSocket !== undefined && (given instanceof BoundSocket || options.handle instanceof BoundSocket)) {
      const bound = (given instanceof BoundSocket ? given : options.handle) as InstanceType<typeof BoundSocket>;
      let addr: unknown;
      try {
        addr = bound.address();
      } catch {
        return original.apply(this, args); // adopted or closed: Node throws
      }
      const target =
        typeof addr === 'string'
          ? { host: 'localhost', port: null, socketPath: socketPathOf(addr) }
          : { host: canonicalHost(String((addr as { address?: unknown }).address)), port: Number((addr as { port?: unknown }).port) };
      const v = rt.decideEndpoint('net.listen', target, LISTEN_API);
      return v.action === 'deny' ? failListen(this, v, cb) : original.apply(this, args);
    }
    const inner = (options._handle || options.handle) as Options | undefined;
    if (inner || typeof options.fd === 'number') return original.apply(this, args);
    let callArgs = args;
    if (typeof args[0] === 'object' && args[0] !== null) {
      // Freeze what is checked (and what decided it was not a handle): own copies where the caller had them.
      const snapshot = create(options) as Options;
      for (const key of LISTEN_KEYS) if (key in options) ownValue(snapshot, key, options[key]);
      options = snapshot;
      callArgs = [snapshot, ...args.slice(1)];
    }
    const rawPort = args.length === 0 || typeof args[0] === 'function' || (options.port === undefined && 'port' in options) || options.port === null ? 0 : options.port;
    if (typeof rawPort === 'number' || typeof rawPort === 'string') {
      const port = portOf(rawPort);
      if (port < 0) return original.apply(this, callArgs); // Node throws
      const rawHost = options.host;
      const host = rawHost ? canonicalHost(String(rawHost)) : '0.0.0.0';
      const v = rt.decideEndpoint('net.listen', { host, port }, LISTEN_API);
      if (v.action === 'deny') return failListen(this, v, cb);
      if (!rawHost || isLiteralIP(String(rawHost))) return original.apply(this, callArgs);
      expectListenLookup(rawHost as string, { rt, scope: currentScope(), capability: 'net.listen', host, port, api: LISTEN_API });
      try {
        return original.apply(this, callArgs);
      } finally {
        clearListenLookup();
      }
    }
    const path = options.path;
    if (typeof path === 'string' && path && toNumber(path) === false) {
      const v = rt.decideEndpoint('net.listen', { host: 'localhost', port: null, socketPath: socketPathOf(path) }, LISTEN_API);
      if (v.action === 'deny') return failListen(this, v, cb);
    }
    return original.apply(this, callArgs);
  };
}

export function installNet(): void {
  originalConnect = wrap(net.Socket.prototype, 'connect', wrapConnect);
  wrap(net.Server.prototype, 'listen', wrapListen);
}
