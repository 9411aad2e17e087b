/**
 * Hostile argument values for the property tests (hostile-*.test.ts).
 *
 * A value is generated as a plain-data recipe (so fast-check can shrink and
 * print it) and built fresh for each call: the same recipe gives the same
 * sequence of answers to reads, so a call without Palisade and a call with
 * it see identical values. Getters, toString/valueOf and Proxy traps answer
 * from a script: read 1 gets the first entry, read 2 the second, and so on
 * (the last entry repeats), or throw the shared HOSTILE error.
 */
import { once } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { type Test } from 'tap';

/** What a scripted read answers: a named target, a literal, or a throw. */
export type Answer = { readonly target: string } | { readonly literal: unknown } | { readonly throws: true };

/** Error every hostile getter and trap throws; its code is what the outcome shows. */
export class HostileError extends Error {
  readonly code = 'EHOSTILE';
  constructor() {
    super('hostile value');
  }
}

export type Targets = Readonly<Record<string, unknown>>;

/** Answers in turn; the last one repeats. */
export function script(answers: readonly Answer[], targets: Targets): () => unknown {
  let i = 0;
  return () => {
    const a = answers[Math.min(i++, answers.length - 1)]!;
    if ('throws' in a) throw new HostileError();
    if ('literal' in a) return a.literal;
    return targets[a.target];
  };
}

/** Scripts that answer the same every time (the outcome with and without Palisade must then be identical). */
export function isStable(answers: readonly Answer[]): boolean {
  const first = JSON.stringify(answers[0]);
  return answers.every((a) => JSON.stringify(a) === first);
}

export const answerArb = (targetNames: readonly string[], literals: readonly unknown[] = []): fc.Arbitrary<Answer> =>
  fc.oneof(
    ...(targetNames.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...targetNames).map((target) => ({ target }) as Answer) }] : []),
    { weight: 1, arbitrary: fc.constant({ throws: true } as Answer) },
    ...(literals.length > 0 ? [{ weight: targetNames.length > 0 ? 2 : 6, arbitrary: fc.constantFrom(...literals).map((literal) => ({ literal }) as Answer) }] : []),
  );

export const scriptArb = (targetNames: readonly string[], literals: readonly unknown[] = []): fc.Arbitrary<Answer[]> =>
  fc.array(answerArb(targetNames, literals), { minLength: 1, maxLength: 3 });

/** A Proxy whose every trap throws HOSTILE (whichever one Palisade or Node hits first, the error is the same). */
export function throwingProxy(target: object = {}): object {
  const fail = () => {
    throw new HostileError();
  };
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    getPrototypeOf: fail,
    defineProperty: fail,
    set: fail,
    deleteProperty: fail,
    apply: fail,
    construct: fail,
    isExtensible: fail,
    preventExtensions: fail,
    setPrototypeOf: fail,
  });
}

/** An object whose properties answer from scripts (getters), optionally behind a forwarding Proxy or as a function. */
export function scripted(props: Readonly<Record<string, readonly Answer[]>>, targets: Targets, shape: 'object' | 'function' | 'proxy' | 'class'): object {
  const base: object = shape === 'function' ? () => {} : {};
  const holder: object = shape === 'class' ? Object.create(Object.create(null, {})) : base;
  const where = shape === 'class' ? (Object.getPrototypeOf(holder) as object) : holder;
  for (const [key, answers] of Object.entries(props)) {
    Object.defineProperty(where, key, { get: script(answers, targets), enumerable: true, configurable: true });
  }
  if (shape !== 'proxy') return holder;
  return new Proxy(holder, { get: (t, k) => Reflect.get(t, k), has: (t, k) => Reflect.has(t, k) });
}

/** `toString`, `valueOf` and `Symbol.toPrimitive` answering from one script: what a coercion sees. */
export function coercible(answers: readonly Answer[], targets: Targets, via: 'toString' | 'valueOf' | 'toPrimitive'): object {
  const next = script(answers, targets);
  if (via === 'toPrimitive') return { [Symbol.toPrimitive]: next };
  if (via === 'valueOf') return { valueOf: next, toString: undefined };
  return { toString: next };
}

// ---- outcomes ----

/** How a call ended, in comparable form: the channel, and the error code (or name) or a description of the value. */
export interface Outcome {
  readonly channel: 'return' | 'throw' | 'callback' | 'callback-error' | 'resolve' | 'reject' | 'event-error' | 'events' | 'timeout';
  readonly code?: string;
  readonly value?: string;
  /** Errors that reached the process's uncaught handler while the call ran (Node's own, for some arguments). */
  readonly uncaught?: readonly string[];
}

export function errorKey(err: unknown): string {
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return `thrown ${typeof err}`;
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' ? e.name : 'unknown';
}

/** The error a Palisade denial produced, wherever it sits (undici wraps it in `cause`). */
export function isDenial(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === 'ERR_PALISADE_DENIED') return true;
  }
  return false;
}

/** Waits for a callback-style call: the outcome of the first callback, or `timeout`. */
export function viaCallback(call: (cb: (err: unknown, ...rest: unknown[]) => void) => unknown, describe: (v: unknown[]) => string, ms = 2000): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ channel: 'timeout' }), ms);
    try {
      call((err, ...rest) => {
        clearTimeout(timer);
        resolve(err ? { channel: 'callback-error', code: errorKey(err) } : { channel: 'callback', value: describe(rest) });
      });
    } catch (err) {
      clearTimeout(timer);
      resolve({ channel: 'throw', code: errorKey(err) });
    }
  });
}

export async function viaPromise(call: () => unknown, describe: (v: unknown) => string | Promise<string>): Promise<Outcome> {
  let p: unknown;
  try {
    p = call();
  } catch (err) {
    return { channel: 'throw', code: errorKey(err) };
  }
  try {
    return { channel: 'resolve', value: await describe(await p) };
  } catch (err) {
    return { channel: 'reject', code: errorKey(err) };
  }
}

export function viaSync(call: () => unknown, describe: (v: unknown) => string): Outcome {
  try {
    return { channel: 'return', value: describe(call()) };
  } catch (err) {
    return { channel: 'throw', code: errorKey(err) };
  }
}

/** Events of an emitter (stream, socket, child) until `close`/`end`/`exit`, an error, or the time limit. */
export async function viaEvents(emitter: NodeJS.EventEmitter, ms = 2000, data?: () => string): Promise<Outcome> {
  // An error after the end (or after the time limit) must not go unhandled: it would end the test process.
  emitter.on('error', () => {});
  const ended = Promise.race([
    once(emitter, 'close').then(() => 'close'),
    once(emitter, 'exit').then(() => 'exit'),
    once(emitter, 'end').then(() => 'end'),
    new Promise<string>((r) => setTimeout(() => r('timeout'), ms)),
  ]).catch((err: unknown) => ({ err }));
  const r = await ended;
  if (typeof r === 'object') return { channel: 'event-error', code: errorKey(r.err) };
  if (r === 'timeout') return { channel: 'timeout' };
  return { channel: 'events', value: data?.() ?? r };
}

/**
 * Runs a call with uncaught exceptions captured (Node itself throws some
 * asynchronously, e.g. fs.readFile(-1, cb)): they become part of its outcome,
 * compared like the rest, instead of ending the test process. Waits until
 * the thread pool's stragglers have had time to report.
 */
export async function capturingUncaught(call: () => Promise<Outcome>): Promise<Outcome> {
  const uncaught: string[] = [];
  process.setUncaughtExceptionCaptureCallback((err) => uncaught.push(errorKey(err)));
  try {
    const outcome = await call();
    await fsRequestsSettled();
    return uncaught.length > 0 ? { ...outcome, uncaught } : outcome;
  } finally {
    process.setUncaughtExceptionCaptureCallback(null);
  }
}

/**
 * Waits until no file-system request is in flight in the thread pool (a stream that a call started and
 * then abandoned reports its open error only then), at most ~20 ms (a stream left reading keeps
 * requests in flight), then one more turn of the loop.
 * A fixed delay was not enough on a loaded machine: the error arrived after it, in one run but not the
 * other, and the outcomes differed.
 */
async function fsRequestsSettled(): Promise<void> {
  const turn = () => new Promise((r) => setImmediate(r));
  const pending = () => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq'));
  // A stream opens its file on a later tick: let it issue the request first.
  await turn();
  await turn();
  for (let waited = 0; waited < 20 && pending(); waited++) await new Promise((r) => setTimeout(r, 1));
  await new Promise((r) => setTimeout(r, 1));
  await turn();
}

/** True when the outcomes match; otherwise a failing assertion showing both (one assertion per failure, none per pass). */
export function same(t: Test, withPalisade: Outcome, without: Outcome, what: string): boolean {
  return isDeepStrictEqual(withPalisade, without) || t.same(withPalisade, without, `${what}: same outcome with and without Palisade`);
}

/** fast-check parameters for these suites: bounded runs, seed printed on failure (override with PALISADE_FC_RUNS / PALISADE_FC_SEED). */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  const runs = Number(process.env.PALISADE_FC_RUNS) || numRuns;
  const seed = process.env.PALISADE_FC_SEED ? Number(process.env.PALISADE_FC_SEED) : undefined;
  return { numRuns: runs, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) };
}

/** An argument built by a property: a named target, a named hostile literal, or an object whose coercion is scripted. */
export type ValueRecipe =
  | { readonly kind: 'target'; readonly name: string }
  | { readonly kind: 'literal'; readonly name: string }
  | { readonly kind: 'coercible'; readonly via: 'toString' | 'valueOf' | 'toPrimitive'; readonly answers: readonly Answer[] };

export type Literals = Readonly<Record<string, () => unknown>>;

export function buildValue(r: ValueRecipe, targets: Targets, literals: Literals): unknown {
  if (r.kind === 'target') return targets[r.name];
  if (r.kind === 'literal') return literals[r.name]!();
  return coercible(r.answers, targets, r.via);
}

/** Value recipes over `names` and the hostile `literals`, weighted target : literal : coercible. */
export const valueArb = (names: readonly string[], literals: Literals, weights: readonly [number, number, number]): fc.Arbitrary<ValueRecipe> =>
  fc.oneof(
    { weight: weights[0], arbitrary: fc.record({ kind: fc.constant('target' as const), name: fc.constantFrom(...names) }) },
    { weight: weights[1], arbitrary: fc.record({ kind: fc.constant('literal' as const), name: fc.constantFrom(...Object.keys(literals)) }) },
    { weight: weights[2], arbitrary: fc.record({ kind: fc.constant('coercible' as const), via: fc.constantFrom('toString', 'valueOf', 'toPrimitive'), answers: scriptArb(names) }) },
  ) as fc.Arbitrary<ValueRecipe>;

const RUNTIME_KEY = Symbol.for('palisade.runtime');

/** Runs `fn` with no policy active (the sensors then call straight through): the test's own work, and the baseline "without Palisade". */
export function unguarded<T>(fn: () => T): T {
  const g = globalThis as Record<symbol, unknown>;
  const rt = g[RUNTIME_KEY];
  g[RUNTIME_KEY] = undefined;
  try {
    return fn();
  } finally {
    g[RUNTIME_KEY] = rt;
  }
}

/** `unguarded` for an asynchronous `fn`: no policy until it settles. */
export async function withoutPalisade<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<symbol, unknown>;
  const rt = g[RUNTIME_KEY];
  g[RUNTIME_KEY] = undefined;
  try {
    return await fn();
  } finally {
    g[RUNTIME_KEY] = rt;
  }
}
