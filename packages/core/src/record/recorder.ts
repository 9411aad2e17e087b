import { resolve } from 'node:path';
import type { Scope } from '../context/scope.js';
import type { Verdict } from '../guard/verdict.js';
import { AuditLog } from './audit-log.js';
import type { DecisionRecord, DetectionRecord, ScopeSnapshot } from './decision-record.js';
import { emitDecision, tracingSuppressed } from './otel.js';
import { type OtelApi, otel, takeOtelFailure } from './otel-api.js';
import { captureAppFrames } from './stack.js';

export type DecisionListener = (record: DecisionRecord) => void;
export type DetectionListener = (record: DetectionRecord) => void;
export type InternalErrorListener = (error: Error, context: { readonly source: string }) => void;

export interface RecorderSettings {
  readonly spans: 'off' | 'decisions' | 'all';
  readonly as: 'span' | 'event';
  readonly stacktrace: boolean;
  readonly audit: { readonly path: string; readonly fsync: boolean } | false;
  readonly auditStart?: Readonly<Record<string, unknown>>;
}

export interface RecorderStats {
  recorded: number;
  denied: number;
  alerted: number;
  learned: number;
  detections: number;
  listenerErrors: number;
  telemetryErrors: number;
  /** Spans Palisade's own exporter (palisade/register) could not deliver: their export failed or was refused. */
  spansLost: number;
  auditFailures: number;
  auditDropped: number;
  /** Faults inside a check (the guard or a sensor's normalization): each became an `internal-error` verdict. */
  guardErrors: number;
  /** `init()` calls that failed while a policy was running (that policy stayed in force). */
  reloadErrors: number;
  internalErrors: number;
}

function decisionRecord(
  verdict: Verdict,
  scope: Scope | undefined,
  api: string | undefined,
  detail: Readonly<Record<string, unknown>> | undefined,
  stack: DecisionRecord['stack'],
  learned: boolean | undefined,
): DecisionRecord {
  return {
    type: 'decision',
    time: Date.now(),
    action: verdict.action,
    capability: verdict.capability,
    target: verdict.target,
    rule: verdict.rule,
    reason: verdict.reason,
    mode: verdict.mode,
    api,
    learned: learned || undefined,
    scope: snapshotScope(scope),
    stack,
    detail,
  };
}

export function snapshotScope(scope: Scope | undefined): ScopeSnapshot | undefined {
  if (!scope) return undefined;
  return {
    id: scope.id,
    kind: scope.kind,
    runId: scope.run?.id,
    tool: scope.tool,
    attributes: scope.attributes,
    labels: [...scope.labels()],
  };
}

/**
 * Sends each recorded decision to listeners, the audit log and OpenTelemetry.
 * Nothing here may throw into a sensor: every failure is counted and reported
 * to `internal-error` listeners instead.
 */
const LISTENERS_KEY = Symbol.for('palisade.listeners');
type ListenerRegistry = {
  decision: Set<DecisionListener>;
  detection: Set<DetectionListener>;
  internalError: Set<InternalErrorListener>;
};

/** Listeners live beside the runtime, so `palisade.on()` works before `init()` and across policy reloads. */
export function listenerRegistry(): ListenerRegistry {
  const g = globalThis as { [LISTENERS_KEY]?: ListenerRegistry };
  return (g[LISTENERS_KEY] ??= { decision: new Set(), detection: new Set(), internalError: new Set() });
}

export class Recorder {
  private readonly decisionListeners = listenerRegistry().decision;
  private readonly detectionListeners = listenerRegistry().detection;
  private readonly errorListeners = listenerRegistry().internalError;
  readonly stats: RecorderStats = {
    recorded: 0,
    denied: 0,
    alerted: 0,
    learned: 0,
    detections: 0,
    listenerErrors: 0,
    telemetryErrors: 0,
    spansLost: 0,
    auditFailures: 0,
    auditDropped: 0,
    guardErrors: 0,
    reloadErrors: 0,
    internalErrors: 0,
  };
  private audit: AuditLog | undefined;
  private settings: RecorderSettings;
  private readonly warned = new Set<string>();

  constructor(
    settings: RecorderSettings,
    private readonly version: string,
  ) {
    this.settings = settings;
    this.openAudit();
  }

  get auditPath(): string | undefined {
    return this.audit?.path;
  }

  get spansForAllowed(): boolean {
    return this.settings.spans === 'all';
  }

  reconfigure(settings: RecorderSettings): void {
    // The chain goes on only when nothing its start record states has changed: a new policy (hash,
    // mode) or fsync setting starts a new chain, so every record is read against the policy that decided it.
    const prev = this.settings.audit;
    const same =
      settings.audit &&
      prev &&
      this.audit &&
      resolve(settings.audit.path) === this.audit.path &&
      settings.audit.fsync === prev.fsync &&
      JSON.stringify(settings.auditStart) === JSON.stringify(this.settings.auditStart);
    this.settings = settings;
    if (!same) {
      this.audit?.close();
      this.audit = undefined;
      this.openAudit();
    }
  }

  record(verdict: Verdict, scope: Scope | undefined, api?: string, detail?: Readonly<Record<string, unknown>>, learned?: boolean): DecisionRecord {
    const rec = decisionRecord(verdict, scope, api, detail, captureAppFrames(), learned);
    this.stats.recorded++;
    if (verdict.action === 'deny') this.stats.denied++;
    else if (verdict.action === 'alert') this.stats.alerted++;
    if (learned) this.stats.learned++;
    this.notify(rec);
    this.writeAudit(rec, verdict.action === 'deny');
    if (this.settings.spans !== 'off' && this.spanCanGo()) this.emitSpan(rec, scope);
    return rec;
  }

  /**
   * Records a detector finding that was acted on: listeners (`detection`) and
   * the audit log (synchronously for blocks). Spans are the caller's: a
   * finding is an event on the span of the call it was found in.
   */
  recordDetection(input: Omit<DetectionRecord, 'type' | 'time' | 'scope' | 'stack'>, scope: Scope | undefined): DetectionRecord {
    const rec: DetectionRecord = { type: 'detection', time: Date.now(), ...input, scope: snapshotScope(scope), stack: captureAppFrames() };
    this.stats.detections++;
    for (const listener of this.detectionListeners) {
      try {
        listener(rec);
      } catch (err) {
        this.stats.listenerErrors++;
        this.internalError('detection listener', err);
      }
    }
    this.writeAudit(rec, rec.action === 'block');
    return rec;
  }

  /** An allowed operation spanned under `telemetry.spans: all`: no stack, no audit. */
  recordAllowedSpan(verdict: Verdict, scope: Scope | undefined, api?: string, detail?: Readonly<Record<string, unknown>>): void {
    if (!this.spanCanGo()) return;
    this.emitSpan(decisionRecord(verdict, scope, api, detail, undefined, false), scope);
  }

  /** A check failed inside Palisade (see Runtime#fault): counted and reported like any internal error. */
  guardError(error: unknown): void {
    this.stats.guardErrors++;
    this.internalError('guard', error);
  }

  internalError(source: string, error: unknown): void {
    this.stats.internalErrors++;
    // Whatever was thrown (a Symbol, a Proxy, an object whose toString throws) is reported, never rethrown.
    let err: Error;
    try {
      err = error instanceof Error ? error : new Error(String(error));
    } catch {
      err = new Error('unprintable error');
    }
    for (const l of this.errorListeners) {
      try {
        l(err, { source });
      } catch {
        // a failing error listener has nowhere further to report to
      }
    }
    if (!this.warned.has(source)) {
      this.warned.add(source);
      try {
        process.emitWarning(`Palisade internal error in ${source}: ${String(err.message)} (further ones are counted in palisade.stats())`, {
          code: 'PALISADE_INTERNAL_ERROR',
        });
      } catch {
        // a replaced emitWarning, or an unprintable message: the count stands
      }
    }
  }

  flush(): void {
    this.audit?.flush(this.settings.audit !== false && this.settings.audit.fsync);
  }

  close(): void {
    this.audit?.close();
    this.audit = undefined;
  }

  /**
   * A decision made while a listener runs (the listener itself touched a
   * denied file, say) is recorded everywhere else but not sent to listeners
   * again: otherwise each such decision calls the listener that caused it,
   * until the stack runs out.
   */
  private notifying = false;

  private notify(rec: DecisionRecord): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      for (const listener of this.decisionListeners) {
        try {
          listener(rec);
        } catch (err) {
          this.stats.listenerErrors++;
          this.internalError('decision listener', err);
        }
      }
    } finally {
      this.notifying = false;
    }
  }

  private writeAudit(rec: DecisionRecord | DetectionRecord, sync: boolean): void {
    if (!this.audit) return;
    try {
      this.audit.append(rec as unknown as Record<string, unknown>, sync);
    } catch (err) {
      this.internalError('audit log', err);
    }
  }

  /**
   * The OpenTelemetry API when spans can be made now (see otel()), else undefined.
   * A failure to load it is counted and reported here, once.
   */
  telemetryApi(): OtelApi | undefined {
    const api = otel();
    if (api) return api;
    const failure = takeOtelFailure();
    if (failure !== undefined) {
      this.stats.telemetryErrors++;
      this.internalError('telemetry', failure);
    }
    return undefined;
  }

  /** A decision span can be made here: the API is loaded and this is not an exporter's own I/O. */
  private spanCanGo(): boolean {
    const api = this.telemetryApi();
    return api !== undefined && !tracingSuppressed(api.context.active());
  }

  private emitSpan(rec: DecisionRecord, scope: Scope | undefined): void {
    try {
      emitDecision(rec, this.settings, this.version, scope?.nearestSpan);
    } catch (err) {
      this.stats.telemetryErrors++;
      this.internalError('telemetry', err);
    }
  }

  private openAudit(): void {
    const a = this.settings.audit;
    if (!a) return;
    try {
      this.audit = new AuditLog(resolve(a.path), {
        fsync: a.fsync,
        start: this.settings.auditStart,
        onError: (err, dropped) => {
          this.stats.auditFailures++;
          this.stats.auditDropped += dropped;
          this.internalError('audit log', err);
        },
      });
    } catch (err) {
      this.stats.auditFailures++;
      this.internalError('audit log', err);
    }
  }
}
