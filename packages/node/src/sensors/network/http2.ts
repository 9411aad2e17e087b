import type Http2 from 'node:http2';
import { type EndpointTarget, activeRuntime, deniedError } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { destination, portOf } from '../../normalize/endpoint.js';
import { builtin } from '../../builtin.js';

type Fn = (...args: unknown[]) => unknown;

const sessionTargets = new WeakMap<object, EndpointTarget>();

/** The origin `http2.connect` reads from its authority (string or URL-like), as Node does. */
function authorityTarget(authority: unknown): EndpointTarget | undefined {
  let a = authority as { protocol?: unknown; port?: unknown; hostname?: unknown; host?: unknown } | null;
  if (typeof authority === 'string') {
    try {
      a = new URL(authority);
    } catch {
      return undefined;
    }
  }
  if (a === null || typeof a !== 'object') return undefined;
  const port = portOf(a.port !== '' && a.port !== undefined ? a.port : a.protocol === 'http:' ? 80 : 443);
  let host = 'localhost';
  if (typeof a.hostname === 'string' && a.hostname) host = a.hostname[0] === '[' ? a.hostname.slice(1, -1) : a.hostname;
  else if (typeof a.host === 'string' && a.host) host = a.host;
  return port < 0 ? undefined : destination(host, port);
}

/**
 * `ClientHttp2Session#request` → net.connect on the session's origin, checked
 * per request: a session opened in one scope can be handed to another. A
 * denied request throws, as a request on a closed session does; no frame is
 * sent. (The connection itself is checked on the socket.)
 */
function wrapRequest(original: Fn): Fn {
  return function request(this: object, ...args: unknown[]): unknown {
    const rt = activeRuntime();
    const target = rt === undefined ? undefined : sessionTargets.get(this);
    if (target !== undefined) {
      const v = rt!.decideEndpoint('net.connect', target, 'http2.request');
      if (v.action === 'deny') throw deniedError(v);
    }
    return original.apply(this, args);
  };
}

function wrapConnect(original: Fn): Fn {
  return function connect(this: unknown, ...args: unknown[]): unknown {
    const session = original.apply(this, args) as object;
    if (activeRuntime() !== undefined && session !== null && typeof session === 'object') {
      const target = authorityTarget(args[0]);
      if (target !== undefined) sessionTargets.set(session, target);
      // ClientHttp2Session is not exported: wrap its request once the first session shows its prototype.
      wrap(Object.getPrototypeOf(session) as object, 'request', wrapRequest);
    }
    return session;
  };
}

/** Loads http2 (and with it tls and crypto, see reach.ts). */
export function installHttp2(): void {
  wrap(builtin<typeof Http2>('http2'), 'connect', wrapConnect);
}
