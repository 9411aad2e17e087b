import type { LlmSettings, Runtime } from '@palisade/core';

/** Policy fields the LLM sensors read, with their defaults. */

export function spansOn(rt: Runtime): boolean {
  return (rt.policy.telemetry?.spans ?? 'decisions') !== 'off';
}

export function allSpans(rt: Runtime): boolean {
  return rt.policy.telemetry?.spans === 'all';
}

export type ToolCallSettings = NonNullable<LlmSettings['toolCalls']>;

export function toolCallSettings(rt: Runtime): ToolCallSettings {
  return rt.policy.llm?.toolCalls ?? {};
}

/** What a denied tool call does: `remove` it from the response (default) or `block` the response. */
export function onDeniedToolCall(rt: Runtime): 'remove' | 'block' {
  return toolCallSettings(rt).onDeny ?? 'remove';
}
