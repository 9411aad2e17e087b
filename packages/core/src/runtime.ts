import { createHash } from 'node:crypto';
import path from 'node:path';
import { TARGET_KIND, type Capability, type Mode } from './capabilities.js';
import { type CommandTarget } from './compile/command-pattern.js';
import { type EndpointTarget } from './compile/endpoint-pattern.js';
import { compilePolicy } from './compile/compile.js';
import { type PlaceholderValues, defaultPlaceholders, expandPlaceholders } from './compile/placeholders.js';
import { type Scope, scopeStorage } from './context/scope.js';
import { PalisadeDeniedError } from './errors.js';
import { Guard } from './guard/guard.js';
import type { Verdict } from './guard/verdict.js';
import type { Policy } from './policy/schema.js';
import { Recorder, type RecorderSettings } from './record/recorder.js';
import { VERSION } from './version.js';

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
    auditStart: {
      mode: policy.mode ?? 'enforce',
      policySource: source,
      policySha256: createHash('sha256').update(JSON.stringify(policy)).digest('hex'),
      palisade: VERSION,
      node: process.version,
    },
  };
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
  }

  private computeRecordAllowed(): boolean {
    return this.guard.mode === 'learn' || this.recorder.spansForAllowed;
  }

  // ---- hot path: pure checks, no recording ----

  view(scope: Scope | undefined = scopeStorage.getStore()) {
    return scope ? scope.view(this.guard) : this.guard.base;
  }

  // ---- decisions: check, apply trust labels, record what must be recorded ----

  /** For path and name targets. Paths should be absolute and normalized; a relative one is resolved against the cwd. */
  decide(capability: Capability, target: string, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    const view = scope ? scope.view(this.guard) : this.guard.base;
    const v = view.check(capability, normalizePathTarget(capability, target));
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  decideCommand(target: CommandTarget, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    const v = (scope ? scope.view(this.guard) : this.guard.base).checkCommand(target);
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  decideEndpoint(capability: 'net.connect' | 'net.listen', target: EndpointTarget, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    const scope = scopeStorage.getStore();
    const v = (scope ? scope.view(this.guard) : this.guard.base).checkEndpoint(capability, target);
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scope, api, detail);
  }

  /**
   * Acts on a verdict a sensor got from `view().check*()` itself (when it must
   * look at the verdict before it counts, e.g. to tell Node's module loader
   * from the app): applies trust labels and records, exactly as `decide` does.
   */
  settle(v: Verdict, api?: string, detail?: Readonly<Record<string, unknown>>): Verdict {
    return v.action === 'allow' && !v.labels && !this.recordAllowed ? v : this.after(v, scopeStorage.getStore(), api, detail);
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
