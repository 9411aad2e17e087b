import http from 'node:http';
import type Https from 'node:https';
import { type Verdict, activeRuntime, isOwnAgent, runSuppressed } from '@palisade/core';
import { wrap } from '../../wrap.js';
import { type HttpRequestTarget, httpRequestTarget } from '../../normalize/endpoint.js';
import { deniedSocket } from './net.js';
import { builtin } from '../../builtin.js';

type RequestFn = (...args: unknown[]) => http.ClientRequest;

/**
 * The request with its connection replaced by one that fails with the
 * denial: Node then builds the request, validates it and reports the failure
 * exactly as for a refused connection ('error', then 'close'), with no agent,
 * pool or real socket involved. One options object (already merged the way
 * Node merges URL and options) so no argument form can lose the override.
 */
function deniedArgs(parsed: HttpRequestTarget, v: Verdict): unknown[] {
  const options: Record<string, unknown> = { ...parsed.options, agent: null, createConnection: () => deniedSocket(v, String(parsed.target.socketPath ?? parsed.target.host)) };
  // Keep Node's protocol check as it would have been with the caller's agent.
  if (parsed.agent && typeof parsed.agent.protocol === 'string') options._defaultAgent = parsed.agent;
  return typeof parsed.callback === 'function' ? [options, parsed.callback] : [options];
}

/**
 * `http(s).request` and `get` → net.connect on the request's host and port
 * (or socketPath). Checked per request, not only per connection: agents keep
 * connections alive and reuse them, so a request in a scope whose policy
 * denies the host must not ride a connection opened under another.
 */
function wrapRequest(api: string, secure: boolean, agentOf: () => http.Agent) {
  return (original: RequestFn): RequestFn =>
    function request(this: unknown, ...args: unknown[]): http.ClientRequest {
      const rt = activeRuntime();
      if (rt === undefined) return original.apply(this, args);
      const parsed = httpRequestTarget(args, agentOf(), secure);
      if (parsed === undefined) return original.apply(this, args); // Node throws, or the socket check decides
      // The telemetry exporter's own requests are checked like any other, but make no span.
      const v = isOwnAgent(parsed.agent)
        ? runSuppressed(() => rt.decideEndpoint('net.connect', parsed.target, api))
        : rt.decideEndpoint('net.connect', parsed.target, api);
      if (v.action === 'deny') return original.apply(this, deniedArgs(parsed, v));
      // Node is given the options as merged and checked, so a getter cannot name another host to it.
      return original.apply(this, typeof parsed.callback === 'function' ? [parsed.options, parsed.callback] : [parsed.options]);
    };
}

export function installHttp(): void {
  const agent = () => http.globalAgent;
  wrap(http, 'request', wrapRequest('http.request', false, agent));
  wrap(http, 'get', wrapRequest('http.get', false, agent));
}

/** The same for `https` (loaded here: it brings tls and crypto, see reach.ts). */
export function installHttps(): void {
  const https = builtin<typeof Https>('https');
  const agent = () => https.globalAgent;
  wrap(https, 'request', wrapRequest('https.request', true, agent));
  wrap(https, 'get', wrapRequest('https.get', true, agent));
}
