import dc from 'node:diagnostics_channel';
import { type EndpointTarget, activeRuntime, deniedError } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { urlTarget } from '../../normalize/endpoint.js';

type FetchFn = (input: unknown, init?: unknown) => Promise<unknown>;

let RequestClass: (new (...args: never[]) => object) | undefined;
let requestUrl: ((this: unknown) => string) | undefined;

/**
 * What fetch() will request: a Request by its internal URL (a subclass cannot
 * fake it), anything else converted to a string once, here; that string is
 * what fetch is given, so it cannot convert differently a second time.
 */
function fetchInput(input: unknown): { href: string | undefined; pass: unknown } {
  if (typeof input === 'string') return { href: input, pass: input };
  if (input === null || input === undefined || typeof input === 'symbol') return { href: undefined, pass: input };
  if (typeof input === 'object') {
    RequestClass ??= (globalThis as unknown as { Request?: new (...args: never[]) => object }).Request;
    if (RequestClass !== undefined && input instanceof RequestClass) {
      requestUrl ??= Object.getOwnPropertyDescriptor(RequestClass.prototype, 'url')?.get as typeof requestUrl;
      return { href: requestUrl?.call(input), pass: input };
    }
  }
  try {
    const href = `${input as string}`;
    return { href, pass: href };
  } catch {
    return { href: undefined, pass: input }; // fetch rejects with the same conversion error
  }
}

/**
 * Global `fetch` → net.connect on the URL's host and port, before undici is
 * involved: a denied fetch rejects like an unreachable one, with
 * `TypeError('fetch failed')` whose `cause` is the PalisadeDeniedError.
 * Redirects and any other undici request are checked by `onRequestCreate`.
 */
function wrapFetch(original: FetchFn): FetchFn {
  return function fetch(this: unknown, input: unknown, ...rest: unknown[]): Promise<unknown> {
    const rt = activeRuntime();
    if (rt === undefined) return Reflect.apply(original, this, [input, ...rest]) as Promise<unknown>;
    let href: string | undefined;
    let pass: unknown;
    try {
      ({ href, pass } = fetchInput(input));
    } catch (err) {
      // A Proxy whose traps throw: fetch is an async function, so that is a rejection, as without Palisade.
      return Promise.reject(err);
    }
    const target = href === undefined ? undefined : urlTarget(href);
    if (target !== undefined) {
      const v = rt.decideEndpoint('net.connect', target, 'fetch');
      if (v.action === 'deny') return Promise.reject(new TypeError('fetch failed', { cause: deniedError(v) }));
    }
    return Reflect.apply(original, this, [pass, ...rest]) as Promise<unknown>;
  };
}

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  error?: unknown;
}

function checkTarget(req: UndiciRequest, target: EndpointTarget | undefined): boolean {
  if (target === undefined) return false;
  const rt = activeRuntime();
  if (rt === undefined) return false;
  const v = rt.decideEndpoint('net.connect', target, 'undici.request');
  if (v.action !== 'deny') return false;
  // undici aborts a request whose `error` is set as soon as it would be written
  // (Request#onConnect), before any byte of it is sent, on a new or a reused
  // connection alike; the caller sees it as the request's error.
  req.error = deniedError(v);
  return true;
}

/**
 * Every undici request — Node's bundled copy behind global fetch and any npm
 * copy (request, fetch, stream, Pool, Client, Agent, custom dispatchers,
 * redirect and retry interceptors) — publishes `undici:request:create` when
 * it is created, synchronously in the caller's context. Checking here covers
 * redirects and requests riding pooled keep-alive connections; new
 * connections are also checked on the socket.
 */
function onRequestCreate(message: unknown): void {
  try {
    const req = (message as { request?: UndiciRequest } | null)?.request;
    if (req === undefined || req === null) return;
    const origin = req.origin;
    const href = typeof origin === 'string' ? origin : (origin as { origin?: unknown } | null)?.origin;
    if (typeof href === 'string' && checkTarget(req, urlTarget(href))) return;
    // Absolute-form paths (requests through an HTTP proxy) name the real target.
    const path = req.path;
    if (typeof path === 'string' && (path.startsWith('http://') || path.startsWith('https://'))) checkTarget(req, urlTarget(path));
  } catch (err) {
    activeRuntime()?.recorder.internalError('undici request check', err);
  }
}

export function installFetch(): void {
  if (typeof globalThis.fetch === 'function') wrap(globalThis, 'fetch', wrapFetch as never);
  dc.subscribe('undici:request:create', onRequestCreate);
}
