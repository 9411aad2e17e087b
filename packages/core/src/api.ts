import type { Span } from '@opentelemetry/api';
import { TARGET_KIND, type Capability } from './capabilities.js';
import type { CommandTarget } from './compile/command-pattern.js';
import type { EndpointTarget } from './compile/endpoint-pattern.js';
import { Scope, type ScopeAttributes, currentScope, mergeAttributes, scopeStorage } from './context/scope.js';
import type { Verdict } from './guard/verdict.js';
import { type LoadOptions, applyEnvironment, loadPolicy, placeholderOverride, validatePolicy } from './policy/load.js';
import type { Policy } from './policy/schema.js';
import type { DecisionRecord, ScopeSnapshot } from './record/decision-record.js';
import { endScopeSpan, startScopeSpan, withContext } from './record/otel.js';
import { type DecisionListener, type DetectionListener, type InternalErrorListener, type RecorderStats, listenerRegistry, snapshotScope } from './record/recorder.js';
import * as sc from './record/semconv.js';
import { Runtime, activeRuntime, deniedError, setActiveRuntime } from './runtime.js';
import { VERSION } from './version.js';

export interface InitOptions extends LoadOptions {
  /** A policy object (validated here). Without it, the policy is loaded from PALISADE_POLICY or ./palisade.policy.*. */
  readonly policy?: unknown;
  /** Names the policy's origin in errors and records. */
  readonly source?: string;
}

let exitHookInstalled = false;

/**
 * Loads, validates and compiles the policy and makes it the process's policy.
 * Called again, it swaps the policy (a bad one throws and leaves the old one).
 * Throws PalisadePolicyError with one line per problem.
 */
export function init(options: InitOptions = {}): Runtime {
  const running = activeRuntime();
  if (!running) return load(options);
  try {
    return load(options);
  } catch (err) {
    // The running policy stays in force; the failed reload is counted and reported, and thrown to the caller.
    running.recorder.stats.reloadErrors++;
    running.recorder.internalError('policy reload', err);
    throw err;
  }
}

function load(options: InitOptions): Runtime {
  const env = options.env ?? process.env;
  let policy: Policy;
  let source: string;
  if (options.policy !== undefined) {
    source = options.source ?? 'init options';
    policy = applyEnvironment(validatePolicy(options.policy, source), env);
  } else {
    const loaded = loadPolicy(options);
    policy = loaded.policy;
    source = options.source ?? loaded.source;
  }
  const values = placeholderOverride(env);
  const runtimeOptions = { source, ...(options.cwd ? { cwd: options.cwd } : {}), ...(values ? { values } : {}) };
  let rt = activeRuntime();
  if (rt) rt.configure(policy, runtimeOptions);
  else {
    rt = new Runtime(policy, runtimeOptions);
    setActiveRuntime(rt);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => activeRuntime()?.recorder.flush());
  }
  return rt;
}

/** Stops recording to the audit log and forgets the policy (tests, shutdown). Sensors then allow everything. */
export function shutdown(): void {
  const rt = activeRuntime();
  rt?.recorder.close();
  setActiveRuntime(undefined);
}

function runInScope<T>(scope: Scope, span: Span | undefined, ctx: import('@opentelemetry/api').Context | undefined, fn: () => T): T {
  if (!span) return scopeStorage.run(scope, fn);
  let result: T;
  try {
    result = withContext(ctx, () => scopeStorage.run(scope, fn));
  } catch (err) {
    endScopeSpan(span, err);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (v) => {
        endScopeSpan(span);
        return v;
      },
      (err: unknown) => {
        endScopeSpan(span, err);
        throw err;
      },
    ) as T;
  }
  endScopeSpan(span);
  return result;
}

function telemetryOn(): boolean {
  const rt = activeRuntime();
  return rt !== undefined && (rt.policy.telemetry?.spans ?? 'decisions') !== 'off' && rt.recorder.telemetryApi() !== undefined;
}

function scopeSpan(scope: Scope, name: string, attributes: Record<string, string>) {
  if (!telemetryOn()) return { span: undefined, ctx: undefined };
  try {
    const started = startScopeSpan(name, attributes, VERSION, scope.parent?.nearestSpan);
    scope.span = started.span;
    return started;
  } catch (err) {
    activeRuntime()?.recorder.internalError('telemetry', err);
    return { span: undefined, ctx: undefined };
  }
}

/**
 * Runs `fn` as one agent run or request. Attributes (`agent`, `user`, any
 * other) are what `scopes[].match` reads; labels put on this run apply to
 * everything in it. Returns what `fn` returns.
 */
export function run<T>(attributes: ScopeAttributes, fn: () => T): T {
  if (attributes !== null && typeof attributes === 'object' && Object.prototype.hasOwnProperty.call(attributes, 'tool')) {
    throw new TypeError('palisade.run(attributes, fn): "tool" is reserved for palisade.tool() scopes');
  }
  const parent = currentScope();
  const scope = new Scope('run', parent, mergeAttributes(parent, attributes), parent?.tool);
  const agent = scope.attributes.agent;
  const attrs: Record<string, string> = { [sc.ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent', [sc.ATTR_PALISADE_SCOPE_ID]: scope.id };
  if (agent) attrs[sc.ATTR_GEN_AI_AGENT_NAME] = agent;
  const { span, ctx } = scopeSpan(scope, agent ? `invoke_agent ${agent}` : 'invoke_agent', attrs);
  return runInScope(scope, span, ctx, fn);
}

/**
 * Wraps a tool implementation: each call is checked against `tool.call`, then
 * runs in its own tool scope (matched by `scopes[].match.tool`) under an
 * `execute_tool` span. A denied call throws PalisadeDeniedError, or rejects
 * when `fn` is an async function.
 */
export function tool<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  if (typeof name !== 'string' || name === '') throw new TypeError('palisade.tool(name, fn): name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`palisade.tool(${JSON.stringify(name)}, fn): fn must be a function`);
  const isAsync = fn.constructor?.name === 'AsyncFunction';
  const wrapped = function (this: unknown, ...args: A): R {
    const rt = activeRuntime();
    if (rt) {
      const v = rt.decide('tool.call', name, 'palisade.tool');
      if (v.action === 'deny') {
        const err = deniedError(v);
        if (isAsync) return Promise.reject(err) as R;
        throw err;
      }
    }
    const parent = currentScope();
    const scope = new Scope('tool', parent, mergeAttributes(parent, {}, name), name);
    const { span, ctx } = scopeSpan(scope, `execute_tool ${name}`, {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [sc.ATTR_GEN_AI_TOOL_NAME]: name,
      [sc.ATTR_PALISADE_SCOPE_ID]: scope.id,
    });
    return runInScope(scope, span, ctx, () => fn.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name || name });
  return wrapped;
}

const LABEL = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Puts labels (`untrusted`, `sensitive`, …) on the current scope and the enclosing ones up to its run; `flows` read them. */
export function label(...labels: string[]): void {
  for (const l of labels) {
    if (typeof l !== 'string' || !LABEL.test(l)) throw new TypeError(`palisade.label: ${JSON.stringify(l)} is not a label (letters, digits, _ . -, starting with a letter)`);
  }
  const scope = currentScope();
  if (!scope) throw new Error('palisade.label() was called outside palisade.run() or a palisade.tool() function: there is no scope to label');
  scope.addLabels(labels);
}

/** The current scope's labels (own and inherited), or an empty list outside any scope. */
export function labels(): string[] {
  return [...(currentScope()?.labels() ?? [])];
}

export function scope(): ScopeSnapshot | undefined {
  return snapshotScope(currentScope());
}

type Events = { decision: DecisionListener; detection: DetectionListener; 'internal-error': InternalErrorListener };

/**
 * `decision`: every recorded decision. `detection`: every detector finding acted on.
 * `internal-error`: a fault inside Palisade (a listener, the audit log, telemetry).
 * Returns a function that removes the listener.
 */
export function on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
  const reg = listenerRegistry();
  if (event === 'decision') reg.decision.add(listener as DecisionListener);
  else if (event === 'detection') reg.detection.add(listener as DetectionListener);
  else if (event === 'internal-error') reg.internalError.add(listener as InternalErrorListener);
  else throw new TypeError(`palisade.on: unknown event ${JSON.stringify(event)}: expected "decision", "detection" or "internal-error"`);
  return () => off(event, listener);
}

export function off<E extends keyof Events>(event: E, listener: Events[E]): void {
  const reg = listenerRegistry();
  if (event === 'decision') reg.decision.delete(listener as DecisionListener);
  else if (event === 'detection') reg.detection.delete(listener as DetectionListener);
  else reg.internalError.delete(listener as InternalErrorListener);
}

export type CheckInput =
  | { readonly capability: Exclude<Capability, 'process.spawn' | 'net.connect' | 'net.listen'>; readonly target: string }
  | { readonly capability: 'process.spawn'; readonly command: CommandTarget }
  | { readonly capability: 'net.connect' | 'net.listen'; readonly endpoint: EndpointTarget };

function requireRuntime(what: string): Runtime {
  const rt = activeRuntime();
  if (!rt) throw new Error(`palisade.${what}() needs a policy: call palisade.init() or start node with --import palisade/register`);
  return rt;
}

/** What the policy says about an operation in the current scope, without recording it. */
export function check(op: CheckInput): Verdict {
  const rt = requireRuntime('check');
  if (op.capability === 'process.spawn') return rt.checkCommand(op.command);
  if (op.capability === 'net.connect' || op.capability === 'net.listen') return rt.checkEndpoint(op.capability, op.endpoint);
  if (TARGET_KIND[op.capability] === undefined) throw new TypeError(`palisade.check: unknown capability ${JSON.stringify(op.capability)}`);
  return rt.check(op.capability, (op as { target: string }).target);
}

/**
 * For your own sensitive calls: checks, records, and throws PalisadeDeniedError
 * when denied. Returns the verdict otherwise.
 */
export function enforce(capability: Exclude<Capability, 'process.spawn' | 'net.connect' | 'net.listen'>, target: string, api?: string): Verdict {
  const v = requireRuntime('enforce').decide(capability, target, api);
  if (v.action === 'deny') throw deniedError(v);
  return v;
}

export function stats(): Readonly<RecorderStats> | undefined {
  const rt = activeRuntime();
  return rt ? { ...rt.recorder.stats } : undefined;
}

/** Writes pending audit records now. */
export function flush(): void {
  activeRuntime()?.recorder.flush();
}

export type { DecisionRecord };
