/** Attribute names: OpenTelemetry semantic conventions where they exist, `palisade.*` for the decision. */
export const ATTR_PALISADE_CAPABILITY = 'palisade.capability';
export const ATTR_PALISADE_VERDICT = 'palisade.verdict';
export const ATTR_PALISADE_RULE = 'palisade.rule';
export const ATTR_PALISADE_REASON = 'palisade.reason';
export const ATTR_PALISADE_TARGET = 'palisade.target';
export const ATTR_PALISADE_MODE = 'palisade.mode';
export const ATTR_PALISADE_API = 'palisade.api';
export const ATTR_PALISADE_LEARNED = 'palisade.learned';
export const ATTR_PALISADE_SCOPE_PREFIX = 'palisade.scope.';
export const ATTR_PALISADE_SCOPE_ID = 'palisade.scope.id';
export const ATTR_PALISADE_SCOPE_RUN_ID = 'palisade.scope.run_id';
export const ATTR_PALISADE_SCOPE_LABELS = 'palisade.scope.labels';

export const ATTR_CODE_FUNCTION_NAME = 'code.function.name';
export const ATTR_CODE_FILE_PATH = 'code.file.path';
export const ATTR_CODE_LINE_NUMBER = 'code.line.number';
export const ATTR_CODE_COLUMN_NUMBER = 'code.column.number';
export const ATTR_CODE_STACKTRACE = 'code.stacktrace';

export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_ERROR_TYPE = 'error.type';

export const EVENT_PALISADE_DECISION = 'palisade.decision';
export const TRACER_NAME = 'palisade';
