import type { Action } from '../guard/verdict.js';
import type { Capability, Mode } from '../capabilities.js';
import type { StackFrame } from './stack.js';

export interface ScopeSnapshot {
  readonly id: string;
  readonly kind: 'run' | 'tool';
  readonly runId?: string | undefined;
  readonly tool?: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly labels: readonly string[];
}

/** What listeners, the audit log and telemetry receive for each recorded decision. */
export interface DecisionRecord {
  readonly type: 'decision';
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly action: Action;
  readonly capability: Capability;
  readonly target: string;
  readonly rule: string;
  readonly reason: string;
  readonly mode: Mode;
  /** The API that was called, e.g. `fs.readFileSync`, when the sensor says. */
  readonly api?: string | undefined;
  /** `learned`: first sight of an allowed operation in learn mode. */
  readonly learned?: boolean | undefined;
  readonly scope?: ScopeSnapshot | undefined;
  readonly stack?: readonly StackFrame[] | undefined;
  /** Sensor-specific facts (arguments, addresses), never content unless opted in. */
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
}

/** A detector finding acted on (by the LLM guards, body scanners, code sensors). Evidence is already redacted. */
export interface DetectionRecord {
  readonly type: 'detection';
  readonly time: number;
  /** `prompt-injection`, `secrets`, `pii`, `canary`, `exfil-url`, `dangerous-code`. */
  readonly detector: string;
  readonly rule: string;
  readonly action: 'alert' | 'redact' | 'block';
  readonly severity?: string | undefined;
  readonly score?: number | undefined;
  /** Where the text came from, e.g. `llm.input`, `llm.output`, `llm.tool_call`, `code.eval`. */
  readonly source: string;
  /** What the text was bound for or came from: a model, a host, a file. */
  readonly target?: string | undefined;
  readonly api?: string | undefined;
  readonly evidence?: string | undefined;
  readonly scope?: ScopeSnapshot | undefined;
  readonly stack?: readonly StackFrame[] | undefined;
}
