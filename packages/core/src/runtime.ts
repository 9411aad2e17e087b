import path from 'node:path';
import { INTERNAL_ERROR_RULE, TARGET_KIND, type Capability, type InternalErrorAction, type Mode } from './capabilities.js';
import { type CommandTarget } from './compile/command-pattern.js';
import { type EndpointTarget } from './compile/endpoint-pattern.js';
import { formatEndpoint } from './compile/host.js';
import { compilePolicy } from './compile/compile.js';
import { type PlaceholderValues, defaultPlaceholders, expandPlaceholders } from './compile/placeholders.js';
import { type Scope, scopeStorage } from './context/scope.js';
import { PalisadeDeniedError } from './errors.js';
import { Guard } from './guard/guard.js';
import type { PolicyView } from './guard/policy-view.js';
import type { Verdict } from './guard/verdict.js';
import type { Policy } from './policy/schema.js';
import { Recorder, type RecorderSettings } from './record/recorder.js';
import { VERSION } from './version.js';
import { sha256Hex } from './hash.js';

// Own copy: an app that monkey-patches path.resolve must not change a check.
const resolvePath = path.resolve;

/**
 * A relative path target resolved against the working directory, as the OS
 * will resolve it (`secret.txt` must meet the rules for `${cwd}/secret.txt`).
 * fs paths always; code.* targets only with a slash, since without one they
 * are pseudo-names (`binding:fs`). Absolute paths are normalized by the guard.
 */
export function normalizePathTarget(capability: Capability, target: string): string {
  if (TARGET_KIND[capability] !== 'path' || target.charCodeAt(0) === 47) return target;
  return capability === 'fs.read' || capability === 'fs.write' || target.includes('/') ? resolvePath(target) : target;
}

export interface RuntimeOptions {
  /** Placeholder values (`${cwd}`, `${home}`, `${tmp}`); default: this process's. */
  readonly values?: PlaceholderValues;
  readonly source?: string;
  readonly cwd?: string;
}

function recorderSettings(policy: Policy, cwd: string, values: Parameters<typeof expandPlaceholders>[1], source: string): RecorderSettings {
  const t = policy.telemetry ?? {};
  const audit = policy.audit;
  return {
    spans: t.spans ?? 'decisions',
    as: t.as ?? 'span',
    stacktrace: t.stacktrace ?? true,
    audit: audit ? { path: resolvePath(cwd, expandPlaceholders(audit.path, values)), fsync: audit.fsync ?? false } : false,
    auditStart: startFacts(policy, source),
  };
}

/**
 * The audit log's start facts. The policy's hash is computed when first read
 * (the start record is serialized when written, after the app has started),
 * so start-up does not load `node:crypto` for it.
 */
function startFacts(policy: Policy, source: string): Readonly<Record<string, unknown>> {
  let hash: string | undefined;
  const facts: Record<string, unknown> = { mode: policy.mode ?? 'enforce', policySource: source };
  Object.defineProperty(facts, 'policySha256', { enumerable: true, get: () => (hash ??= sha256Hex(JSON.stringify(policy))) });
  facts.palisade = VERSION;
  facts.node = process.version;
  return facts;
}

/**
 * The live state: compiled policy, recorder, and the decide functions sensors
 * call. One per process (see `activeRuntime`).
 */
export class Runtime {
  guard: Guard;
  policy: Policy;
  source: string;
  readonly recorder: Recorder;
  private recordAllowed: boolean;
  /** `onInternalError`, with the mode's default applied. */
  onInternalError: InternalErrorAction;
  /** Learn mode: each distinct allowed operation is recorded once (bounded; beyond it, repeats may be recorded again). */
  private readonly learned = new Set<string>();

  constructor(policy: Policy, options: RuntimeOptions = {}) {
    const values = options.values ?? defaultPlaceholders(options.cwd ?? process.cwd());
    const cwd = values.cwd;
    this.source = options.source ?? 'policy';
    const program = compilePolicy(policy, { source: this.source, values });
    this.guard = new Guard(program);
    this.policy = policy;
    this.recorder = new Recorder(recorderSettings(policy, cwd, program.values, this.source), VERSION);
    this.recordAllowed = this.computeRecordAllowed();
    this.onInternalError = internalErrorAction(policy, this.guard.mode);
  }

  get mode(): Mode {
    return this.guard.mode;
  }

  /** Swaps in a new policy. Compiles first, so a bad policy leaves the running one in place. */
  configure(policy: Policy, options: RuntimeOptions = {}): void {
    const values = options.values ?? defaultPlaceholders(options.cwd ?? process.cwd());
    const cwd = values.cwd;
    const source = options.source ?? 'policy';
    const program = compilePolicy(policy, { source, values });
    this.guard = new Guard(program);
    this.policy = policy;
    this.source = source;
    this.recorder.reconfigure(recorderSettings(policy, cwd, program.values, source));
    this.recordAllowed = this.computeRecordAllowed();
    this.onInternalError = internalErrorAction(policy, this.guard.mode);
  }

  private computeRecordAllowed(): boolean {
    return this.guard.mode === 'learn' || this.recorder.spansForAllowed;
  }

  // ---- hot path: pure checks, no recording ----

  view(scope: Scope | undefined = scopeStorage.getStore()): PolicyView {
    return scope ? scope.view(this.guard) : this.guard.base;
  }

  /*
   * Every check below goes through one place that cannot throw: a fault inside
   * the guard (a bug, a hostile value that reached it, an exhausted stack)
   * becomes an `internal-error` verdict, deny or alert as `onInternalError`
   * says, and is counted and reported. The try blocks cost nothing on the
   * path that does not throw.
   */

  /**
   * What the policy says about a path or name target in the current scope
   * (or in `scope`, when given: `null` for outside any scope), unrecorded. Never throws.
   */
  check(capability: Capability, target: string, scope: Scope | null = scopeStorage.getStore() ?? null): Verdict {
    try {
      return (scope ? scope.view(this.guard) : this.guard.base).check(capability, normalizePathTarget(capability, target));
    } catch (err) {
      return this.faultVerdict(capability, typeof target === 'string' ? target : '?', err);
    }
  }

  /** `check` for a command. Never throws. */
  checkCommand(target: CommandTarget, scope: Scope | null = scopeStorage.getStore() ?? null): Verdict {
    try {
      return (scope ? scope.view(this.guard) : this.guard.base).checkCommand(target);
    } catch (err) {
      return this.faultVerdict('process.spawn', describeCommand(target), err);
    }
  }

  /** `check` for an endpoint. Never throws. */
  checkEndpoint(capability: 'net.connect' | 'net.listen', target: EndpointTarget, scope: Scope | null = scopeStorage.getStore() ?? null): Verdict {
    try {
      return (scope ? scope.view(this.guard) : this.guard.base).checkEndpoint(capability, target);
    } catch (err) {
      return this.faultVerdict(capability, describeEndpoint(target), err);
    }
  }

  // ---- decisions: check, apply trust labels, record what must be recorded ----

  /** For path and name targets. Paths should be absolute and normalized; a relative one is resolved against the cwd. Never throws. */
  decide(capability: Capability, target: string, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    let v: Verdict;
    try {
      v = (scope ? scope.view(this.guard) : this.guard.base).check(capability, normalizePathTarget(capability, target));
    } catch (err) {
      v = this.faultVerdict(capability, typeof target === 'string' ? target : '?', err);
    }
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  decideCommand(target: CommandTarget, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    let v: Verdict;
    try {
      v = (scope ? scope.view(this.guard) : this.guard.base).checkCommand(target);
    } catch (err) {
      v = this.faultVerdict('process.spawn', describeCommand(target), err);
    }
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  decideEndpoint(capability: 'net.connect' | 'net.listen', target: EndpointTarget, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    let v: Verdict;
    try {
      v = (scope ? scope.view(this.guard) : this.guard.base).checkEndpoint(capability, target);
    } catch (err) {
      v = this.faultVerdict(capability, describeEndpoint(target), err);
    }
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  /**
   * Acts on a verdict a sensor got from `check*()` itself (when it must
   * look at the verdict before it counts, e.g. to tell Node's module loader
   * from the app): applies trust labels and records, exactly as `decide` does.
   */
  settle(v: Verdict, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scopeStorage.getStore(), api, detail);
  }

  /**
   * A sensor failed while turning a call into a target (normalization) or
   * while deciding it: reports the fault and returns the verdict
   * `onInternalError` asks for, recorded like any other decision: `deny`
   * (the call fails with PalisadeDeniedError, rule `internal-error`) or
   * `alert` (the call proceeds). `target` is the best description the
   * sensor has. Never throws.
   */
  fault(capability: Capability, target: string, error: unknown, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const v = this.faultVerdict(capability, target, error);
    try {
      return this.after(v, scopeStorage.getStore(), api, detail);
    } catch {
      return v;
    }
  }

  /** The verdict for a fault, reported (counted, `internal-error` listeners) but not yet recorded as a decision. */
  faultVerdict(capability: Capability, target: string, error: unknown): Verdict {
    const failClosed = this.onInternalError === 'deny';
    let message: string;
    try {
      this.recorder.guardError(error);
      message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    } catch {
      message = 'unprintable error';
    }
    return Object.freeze({
      action: failClosed ? 'deny' : 'alert',
      capability,
      target,
      rule: INTERNAL_ERROR_RULE,
      reason: `Palisade failed while checking this operation (${message.slice(0, 200)}); onInternalError is "${this.onInternalError}", so it is ${failClosed ? 'denied' : 'allowed'}`,
      mode: this.guard.mode,
    } satisfies Verdict);
  }

  private after(v: Verdict, scope: Scope | undefined, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    if (v.action === 'allow') {
      if (v.labels && scope) scope.addLabels(v.labels);
      const learnKey = this.guard.mode === 'learn' ? `${v.capability}\0${v.target}` : undefined;
      if (learnKey !== undefined && !this.learned.has(learnKey)) {
        if (this.learned.size >= 100_000) this.learned.clear();
        this.learned.add(learnKey);
        this.recorder.record(v, scope, api, detail, true);
      } else if (this.recorder.spansForAllowed) {
        this.recorder.recordAllowedSpan(v, scope, api, detail);
      }
      return v;
    }
    this.recorder.record(v, scope, api, detail);
    return v;
  }
}

function internalErrorAction(policy: Policy, mode: Mode): InternalErrorAction {
  return policy.onInternalError ?? (mode === 'enforce' ? 'deny' : 'allow');
}

function describeCommand(t: CommandTarget): string {
  try {
    return [t.executable, ...t.args].map(String).join(' ');
  } catch {
    return '?';
  }
}

function describeEndpoint(t: EndpointTarget): string {
  try {
    return t.socketPath !== undefined ? `unix:${String(t.socketPath)}` : formatEndpoint(String(t.host), t.port ?? null);
  } catch {
    return '?';
  }
}

/** The error a sensor throws (or passes on) for a denied verdict. */
export function deniedError(v: Verdict): PalisadeDeniedError {
  return new PalisadeDeniedError(v.capability, v.target, v.rule, v.reason);
}

const RUNTIME_KEY = Symbol.for('palisade.runtime');
type Holder = { [RUNTIME_KEY]?: Runtime };

/** The process's runtime, shared across copies of this package (CJS and ESM, or two versions). */
export function activeRuntime(): Runtime | undefined {
  return (globalThis as Holder)[RUNTIME_KEY];
}

export function setActiveRuntime(rt: Runtime | undefined): void {
  (globalThis as Holder)[RUNTIME_KEY] = rt;
}
