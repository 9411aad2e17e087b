import { PalisadeDeniedError, type Verdict } from '@palisade/core';
import type { ActedFinding } from './guards/detect.js';

/**
 * A model call the guards stopped because of what a detector found in the
 * request (`source: 'llm.input'`) or the response (`'llm.output'`). It is a
 * PalisadeDeniedError (code ERR_PALISADE_DENIED), carrying the findings.
 */
export class PalisadeBlockedError extends PalisadeDeniedError {
  readonly source: 'llm.input' | 'llm.output';
  readonly findings: readonly ActedFinding[];

  constructor(model: string, source: 'llm.input' | 'llm.output', findings: readonly ActedFinding[]) {
    const f = findings[0]!;
    const where = source === 'llm.input' ? 'the request' : 'the response';
    super('llm.model', model, `detect.${f.detector}`, `${f.detector} (${f.rule}) found in ${where}: ${f.evidence}`);
    this.message = `Palisade blocked ${source === 'llm.input' ? 'a request to' : 'a response from'} ${model || 'the model'}: ${f.detector} (${f.rule}) found in ${where}`;
    this.source = source;
    this.findings = findings;
  }
}

/** A tool call the model proposed, denied under `llm.toolCalls.onDeny: "block"`: the whole response is refused. */
export class PalisadeToolCallError extends PalisadeDeniedError {
  readonly toolName: string;
  readonly toolCallId: string | undefined;

  constructor(v: Verdict, toolName: string, toolCallId: string | undefined) {
    super(v.capability, v.target, v.rule, v.reason);
    this.message = `Palisade blocked a response that proposed tool call ${toolName}: ${v.reason} (${v.rule})`;
    this.toolName = toolName;
    this.toolCallId = toolCallId;
  }
}
