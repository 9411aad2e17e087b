// CyberSecEval read with context: each prompt-injection record carries the system prompt its attack
// targets (`system_prompt`), which an input guard sees at runtime. The benign records (the
// false-refusal set) have none; they get NEUTRAL_SYSTEM_PROMPT, a generic assistant prompt.
// For a harder false-positive test, STRESS pairs benign prompts with the system prompts of the
// injection records of the same half (so a benign request meets a restrictive prompt).

export const NEUTRAL_SYSTEM_PROMPT = 'You are a helpful assistant.';

/** Distinct system prompts of the injection records, in first-seen order. */
export function systemPromptsOf(injections) {
  return [...new Set(injections.map((r) => r.system_prompt).filter(Boolean))];
}

/** A system prompt for a benign record: deterministic, from its id. */
export function pairedSystemPrompt(record, prompts) {
  return prompts[parseInt(record.id.slice(-8), 16) % prompts.length];
}
