import type { Runtime, Scope } from '@palisade/core';
import { CopyOnWrite, type Path } from '../cow.js';
import { PalisadeBlockedError } from '../errors.js';
import type { CallSpan } from '../span.js';
import { type ActedFinding, type Scanner, type TextSource, activeDetect, applyRedactions, makeScanner } from './detect.js';

/** A piece of request text the input guard reads: where it sits in the body, and what it is. */
export interface Slot {
  readonly path: Path;
  readonly text: string;
  /** `input` for system and user text, `tool-output` for tool results. */
  readonly source: 'input' | 'tool-output';
}

export interface InputOutcome<B> {
  readonly body: B;
  readonly error?: PalisadeBlockedError;
}

export const UNTRUSTED = 'untrusted';

/**
 * Runs the configured detectors over the request's system, user and tool
 * text before it is sent. `block` refuses the call (after recording every
 * finding), `redact` replaces the matched spans in what is sent (a copy: the
 * app's own objects are left alone), `alert` records. Tool results, and text
 * in which prompt injection is found, label the run `untrusted`.
 */
export function guardInput<B extends object>(
  rt: Runtime,
  scope: Scope | undefined,
  span: CallSpan,
  model: string,
  api: string,
  body: B,
  slots: readonly Slot[],
): InputOutcome<B> {
  let untrusted = false;
  for (const s of slots) if (s.source === 'tool-output') untrusted = true;
  if (activeDetect(rt) === undefined) {
    // No detector is on: nothing to scan, only tool results to label.
    if (untrusted && scope) scope.addLabels([UNTRUSTED]);
    return { body };
  }
  // The system prompt is context for judging the rest: a question can be an attack only against it.
  const systemPrompt = slots.filter((s) => isSystemSlot(body, s)).map((s) => s.text).join('\n');
  const scanners: Partial<Record<TextSource, Scanner | undefined>> = {};
  const cow = new CopyOnWrite(body);
  let systemScanner: Scanner | null | undefined;
  const blocking: ActedFinding[] = [];
  for (const slot of slots) {
    if (slot.text.length === 0) continue;
    const key: TextSource = slot.source;
    const scanner = isSystemSlot(body, slot)
      ? (systemScanner ??= makeScanner(rt, key) ?? null)
      : key in scanners
        ? scanners[key]
        : // The system prompt is what a user's message may be attacking; tool results have their own signals.
          (scanners[key] = makeScanner(rt, key, undefined, undefined, key === 'input' ? systemPrompt || undefined : undefined));
    if (!scanner) continue;
    const findings = scanner.scan(slot.text);
    if (findings.length === 0) continue;
    const redact: ActedFinding[] = [];
    for (const f of findings) {
      rt.recorder.recordDetection(
        { detector: f.detector, rule: f.rule, action: f.action, severity: f.severity, score: f.score, source: 'llm.input', target: model, api, evidence: f.evidence },
        scope,
      );
      span.finding(f, 'llm.input');
      if (f.detector === 'prompt-injection') untrusted = true;
      if (f.action === 'block') blocking.push(f);
      else if (f.action === 'redact') redact.push(f);
    }
    if (redact.length > 0) cow.set(slot.path, applyRedactions(slot.text, redact));
  }
  if (untrusted && scope) scope.addLabels([UNTRUSTED]);
  if (blocking.length > 0) return { body, error: new PalisadeBlockedError(model, 'llm.input', blocking) };
  return { body: cow.value };
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** System text: Anthropic's `system`, the Responses API's `instructions`, or a message whose role is system/developer. */
function isSystemSlot(body: object, slot: Slot): boolean {
  const [head, index] = slot.path;
  if (head === 'system' || head === 'instructions') return true;
  const list = (body as Record<string, unknown>)[head as string];
  if (!Array.isArray(list) || typeof index !== 'number') return false;
  const item = list[index] as { role?: unknown } | undefined;
  return typeof item?.role === 'string' && SYSTEM_ROLES.has(item.role);
}
