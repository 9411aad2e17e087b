import { markInternalDir } from '@palisade/core';

markInternalDir(new URL('.', import.meta.url));

export { installLlmSensors } from './instrumentation.js';
export { registerLlmLoader, startDeferredLlmLoader, LLM_MODULES, type LoaderState } from './loader.js';
export { PalisadeBlockedError, PalisadeToolCallError } from './errors.js';
export { HoldBack, DEFAULT_MAX_HOLD, type HoldBackOptions, type HoldBackHooks } from './stream/hold-back.js';
export type { ActedFinding, FindingAction } from './guards/detect.js';
export { modelForms } from './model.js';
export * as semconv from './semconv.js';
export { detectors } from './detectors.js';
