import dns from 'node:dns';
import { type Runtime, type Scope, type Verdict, deniedError } from '@palisade/core';
import { originalOf } from '../../wrap.js';
import { canonicalHost, reachedAddress } from '../../normalize/endpoint.js';

export type NetCapability = 'net.connect' | 'net.listen';

type Callback = (...args: unknown[]) => unknown;
export type LookupFn = (hostname: string, options: unknown, callback: Callback) => unknown;

/**
 * What a name was checked as, kept until its answer comes back: the answer is
 * judged under the scope of the call that asked, not whatever async context
 * the resolver happens to call back in.
 */
export interface AnswerContext {
  readonly rt: Runtime;
  readonly scope: Scope | undefined;
  readonly capability: NetCapability;
  /** Canonical host as asked for; null port for plain DNS. */
  readonly host: string;
  readonly port: number | null;
  readonly api: string;
}

/**
 * Checks one resolved address (the DNS-rebinding check). Address rules (IPs,
 * CIDRs, @sets) match it; the name already passed. Only what is not allowed
 * is recorded: the name check already recorded (or learned) the call itself.
 */
export function checkAddress(ctx: AnswerContext, address: unknown): Verdict | undefined {
  if (typeof address !== 'string') return undefined; // Node rejects non-string answers itself
  let canonical = canonicalHost(address);
  if (ctx.capability === 'net.connect') canonical = reachedAddress(canonical) ?? canonical;
  if (canonical === ctx.host) return undefined;
  const { rt, scope } = ctx;
  const v = rt.checkEndpoint(ctx.capability, { host: ctx.host, port: ctx.port, address: canonical }, scope ?? null);
  if (v.action !== 'allow') rt.recorder.record(v, scope, ctx.api);
  return v.action === 'deny' ? v : undefined;
}

/** The first denied address of a lookup answer: one address string, or `{ address }` entries with `all: true`. */
export function deniedAnswer(ctx: AnswerContext, answer: unknown): Verdict | undefined {
  if (!Array.isArray(answer)) return checkAddress(ctx, answer);
  let denied: Verdict | undefined;
  for (const entry of answer) {
    const v = checkAddress(ctx, (entry as { address?: unknown } | null)?.address);
    denied ??= v;
  }
  return denied;
}

/** Wraps a lookup callback so a denied answer arrives as the lookup's error, before anything connects. */
export function checkedCallback(ctx: AnswerContext, callback: Callback): Callback {
  return function onLookup(this: unknown, err: unknown, answer: unknown, ...rest: unknown[]) {
    if (!err) {
      const denied = deniedAnswer(ctx, answer);
      if (denied) return callback.call(this, deniedError(denied));
    }
    return callback.call(this, err, answer, ...rest);
  };
}

const ownLookup = dns.lookup;

/**
 * The lookup Node would use when the caller gave none: `dns.lookup` as it is
 * now (an app may have replaced it), minus Palisade's own DNS check, since
 * the connection's name was just checked with its port.
 */
export function defaultLookup(): LookupFn {
  const current = dns.lookup;
  return (typeof current === 'function' ? originalOf(current) : ownLookup) as unknown as LookupFn;
}

/** A `lookup` option that resolves with `base` (the caller's, or Node's default) and checks every answer. */
export function checkedLookup(ctx: AnswerContext, base: unknown): LookupFn {
  const resolveWith = typeof base === 'function' ? (base as LookupFn) : undefined;
  return function lookup(hostname: string, options: unknown, callback: Callback): unknown {
    const fn = resolveWith ?? defaultLookup();
    if (typeof options === 'function') return (fn as unknown as Callback)(hostname, checkedCallback(ctx, options as Callback));
    return fn(hostname, options, checkedCallback(ctx, callback));
  };
}

/**
 * `Server#listen` on a host name resolves it through the public `dns.lookup`
 * (inside the listen call). The listen was just checked: that lookup is not a
 * DNS query to check again, but its answer is an address to check as
 * `net.listen`. Set only for the duration of the synchronous listen call.
 */
let listenLookup: { readonly hostname: string; readonly ctx: AnswerContext } | undefined;

export function expectListenLookup(hostname: string, ctx: AnswerContext): void {
  listenLookup = { hostname, ctx };
}

export function clearListenLookup(): void {
  listenLookup = undefined;
}

/** The listen context when `hostname` is the name the listen in progress resolves. */
export function takeListenLookup(hostname: unknown): AnswerContext | undefined {
  const pending = listenLookup;
  if (pending === undefined || pending.hostname !== hostname) return undefined;
  listenLookup = undefined;
  return pending.ctx;
}
