import dgram from 'node:dgram';
import { type EndpointTarget, type Verdict, activeRuntime, currentScope, deniedError } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { canonicalHost, destination, isLiteralIP, portOf } from '../../normalize/endpoint.js';
import { type AnswerContext, checkedCallback } from './check.js';

type Fn = (...args: unknown[]) => unknown;
type LookupHandle = { lookup: (address: unknown, callback: Fn) => unknown };
interface DgramState {
  handle?: LookupHandle | null;
  connectState?: number;
}
type Sock = dgram.Socket & { type?: string };

const CONNECTED = 2; // CONNECT_STATE_CONNECTED in lib/dgram.js
const SEND_API = 'dgram.send';
const CONNECT_API = 'dgram.connect';
const BIND_API = 'dgram.bind';

let stateKey: symbol | undefined;
const patchedHandles = new WeakSet<object>();
const connectedTargets = new WeakMap<object, EndpointTarget>();

/** Node keeps a socket's handle and connect state under a private symbol. */
function stateOf(socket: object): DgramState | undefined {
  stateKey ??= Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  return stateKey === undefined ? undefined : ((socket as Record<symbol, unknown>)[stateKey] as DgramState | undefined);
}

/** The context for the lookup the call in progress makes (set only for its synchronous duration). */
let pending: AnswerContext | undefined;

/**
 * Each send/connect/bind resolves its address through the socket handle's
 * `lookup` (the caller's `lookup` option or dns.lookup). Wrapping it there
 * checks the address a name resolved to before the datagram leaves.
 */
function patchHandle(state: DgramState): void {
  const handle = state.handle;
  if (!handle || patchedHandles.has(handle)) return;
  patchedHandles.add(handle);
  const original = handle.lookup;
  handle.lookup = function lookup(this: unknown, address: unknown, callback: Fn): unknown {
    const rt = activeRuntime();
    if (rt === undefined || typeof address !== 'string' || address === '' || isLiteralIP(address)) return original.call(this, address, callback);
    const ctx = pending;
    pending = undefined;
    const use = ctx ?? { rt, scope: currentScope(), capability: 'net.connect', host: canonicalHost(address), port: null, api: SEND_API };
    return original.call(this, address, checkedCallback(use, callback));
  };
}

function defaultHost(socket: Sock): string {
  return socket.type === 'udp6' ? '::1' : '127.0.0.1';
}

/** Node reports send and connect failures through the callback, or as 'error' when there is none. */
function failLater(socket: Sock, v: Verdict, callback: unknown): void {
  const err = deniedError(v);
  process.nextTick(() => (typeof callback === 'function' ? callback(err) : socket.emit('error', err)));
}

function callResolving(original: Fn, self: unknown, args: unknown[], ctx: AnswerContext | undefined): unknown {
  pending = ctx;
  try {
    return original.apply(self, args);
  } finally {
    pending = undefined;
  }
}

/** `send` → net.connect to the datagram's destination (arguments read as Node reads them). */
function wrapSend(original: Fn): Fn {
  return function send(this: Sock, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    const state = rt === undefined ? undefined : stateOf(this);
    if (rt === undefined || state === undefined) return original.apply(this, args);
    patchHandle(state);
    const [, offset, length, port, address, callback] = args;
    if (state.connectState === CONNECTED) {
      const target = connectedTargets.get(this);
      if (target === undefined) return original.apply(this, args);
      const cb = typeof length === 'number' ? (typeof port === 'function' ? port : callback) : offset;
      const v = rt.decideEndpoint('net.connect', target, SEND_API);
      if (v.action !== 'deny') return original.apply(this, args);
      failLater(this, v, cb);
      return undefined;
    }
    let p = port;
    let a = address;
    let cb = callback;
    if (!(address || (port && typeof port !== 'function'))) {
      cb = port;
      p = offset;
      a = length;
    }
    const portNumber = portOf(p, false);
    if (typeof a === 'function') {
      cb = a;
      a = undefined;
    }
    if (portNumber < 0 || (a != null && typeof a !== 'string')) return original.apply(this, args); // Node throws
    const target = destination((a as string | undefined) || defaultHost(this), portNumber);
    const host = target.host;
    const v = rt.decideEndpoint('net.connect', target, SEND_API);
    if (v.action === 'deny') {
      failLater(this, v, typeof cb === 'function' ? cb : undefined);
      return undefined;
    }
    return callResolving(original, this, args, { rt, scope: currentScope(), capability: 'net.connect', host, port: portNumber, api: SEND_API });
  };
}

/** `connect` → net.connect; later sends on the connected socket are checked against the same target. */
function wrapConnect(original: Fn): Fn {
  return function connect(this: Sock, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    const state = rt === undefined ? undefined : stateOf(this);
    if (rt === undefined || state === undefined) return original.apply(this, args);
    patchHandle(state);
    let [port, address, callback] = args;
    if (typeof address === 'function') {
      callback = address;
      address = '';
    }
    const portNumber = portOf(port, false);
    if (portNumber < 0 || (address !== undefined && typeof address !== 'string')) return original.apply(this, args); // Node throws
    const target = destination((address as string | undefined) || defaultHost(this), portNumber);
    const host = target.host;
    const v = rt.decideEndpoint('net.connect', target, CONNECT_API);
    if (v.action === 'deny') {
      failLater(this, v, callback);
      return undefined;
    }
    connectedTargets.set(this, target);
    return callResolving(original, this, args, { rt, scope: currentScope(), capability: 'net.connect', host, port: portNumber, api: CONNECT_API });
  };
}

/**
 * An explicit `bind` → net.listen (the socket receives datagrams there). The
 * bind Node makes itself on a first send or connect (port 0, any address) is
 * a client's ephemeral port, not a listen: it is recognised by being made on
 * this very socket inside its own send/connect.
 */
let implicitBind: object | undefined;

function wrapBind(original: Fn): Fn {
  return function bind(this: Sock, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    const state = rt === undefined ? undefined : stateOf(this);
    if (rt === undefined || state === undefined || implicitBind === this) return original.apply(this, args);
    patchHandle(state);
    const first = args[0];
    let port: unknown = first;
    let address: unknown = typeof args[1] === 'function' ? '' : args[1];
    if (first !== null && typeof first === 'object') {
      const o = first as { recvStart?: unknown; fd?: unknown; address?: unknown; port?: unknown };
      if (typeof o.recvStart === 'function' || o.fd !== undefined) return original.apply(this, args); // an existing handle or fd
      address = o.address || '';
      port = o.port;
    }
    const portNumber = typeof port === 'number' || typeof port === 'string' ? Number(port) | 0 : 0;
    const asked = typeof address === 'string' && address !== '' ? address : this.type === 'udp6' ? '::' : '0.0.0.0';
    const host = canonicalHost(asked);
    const v = rt.decideEndpoint('net.listen', { host, port: portNumber }, BIND_API);
    if (v.action === 'deny') {
      const err = deniedError(v);
      process.nextTick(() => this.emit('error', err));
      return this;
    }
    return callResolving(original, this, args, { rt, scope: currentScope(), capability: 'net.listen', host, port: portNumber, api: BIND_API });
  };
}

/** Marks the bind Node makes inside send/connect as implicit for the duration of the call. */
function withImplicitBind(original: Fn): Fn {
  return function (this: Sock, ...args: unknown[]): unknown {
    const previous = implicitBind;
    implicitBind = this;
    try {
      return original.apply(this, args);
    } finally {
      implicitBind = previous;
    }
  };
}

export function installDgram(): void {
  const proto = dgram.Socket.prototype as unknown as Record<string, Fn>;
  wrap(proto, 'send', (original: Fn) => wrapSend(withImplicitBind(original)));
  wrap(proto, 'connect', (original: Fn) => wrapConnect(withImplicitBind(original)));
  wrap(proto, 'bind', wrapBind);
}
