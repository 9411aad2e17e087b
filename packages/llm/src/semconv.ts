/**
 * Attribute names for model-call spans: the OpenTelemetry GenAI semantic
 * conventions (development status), plus `palisade.*` for the guards.
 */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

/** Whether the span's stream was read to its end (`true`) or abandoned by the app (`false`). */
export const ATTR_PALISADE_STREAM_COMPLETED = 'palisade.llm.stream.completed';
/** Characters the output guard held back at most at once (streams). */
export const ATTR_PALISADE_HOLD_BACK_MAX = 'palisade.llm.hold_back.max_chars';
/** Tool calls the model proposed that the guard removed from the response. */
export const ATTR_PALISADE_TOOL_CALLS_REMOVED = 'palisade.llm.tool_calls.removed';
/** Detector findings acted on, per direction. */
export const ATTR_PALISADE_INPUT_FINDINGS = 'palisade.llm.input.findings';
export const ATTR_PALISADE_OUTPUT_FINDINGS = 'palisade.llm.output.findings';
/** Detector findings become span events with these attributes. */
export const EVENT_PALISADE_DETECTION = 'palisade.detection';
export const ATTR_PALISADE_DETECTOR = 'palisade.detector';
export const ATTR_PALISADE_DETECTOR_RULE = 'palisade.detector.rule';
export const ATTR_PALISADE_DETECTOR_ACTION = 'palisade.detector.action';
export const ATTR_PALISADE_DETECTOR_SEVERITY = 'palisade.detector.severity';
export const ATTR_PALISADE_DETECTOR_SCORE = 'palisade.detector.score';
export const ATTR_PALISADE_DETECTOR_SOURCE = 'palisade.detector.source';
export const ATTR_PALISADE_DETECTOR_EVIDENCE = 'palisade.detector.evidence';
/** The span of a checked tool call proposed by a model (linked to that model call's span). */
export const SPAN_TOOL_CALL_CHECK = 'palisade tool.call';
