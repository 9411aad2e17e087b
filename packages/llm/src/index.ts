import { markInternalDir } from '@palisade/core';

markInternalDir(new URL('..', import.meta.url));

/** Hooks the LLM client libraries (openai, @anthropic-ai/sdk). */
export function installLlmSensors(): void {}
