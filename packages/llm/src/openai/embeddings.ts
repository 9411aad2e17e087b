import type { Adapter } from '../call.js';
import { defined, isRecord, num, serverAttributes, strings } from '../common.js';
import type { Slot } from '../guards/input.js';
import * as sc from '../semconv.js';
import { providerName } from './provider.js';

/** OpenAI embeddings: `client.embeddings.create`. The input is guarded like a prompt; vectors have no text to scan. */

function embeddingSlots(body: Record<string, unknown>): Slot[] {
  const input = body.input;
  if (typeof input === 'string') return [{ path: ['input'], text: input, source: 'input' }];
  if (!Array.isArray(input)) return [];
  const slots: Slot[] = [];
  input.forEach((v, i) => {
    if (typeof v === 'string') slots.push({ path: ['input', i], text: v, source: 'input' });
  });
  return slots;
}

export const embeddings: Adapter = {
  describe(body, resource) {
    const model = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    return {
      provider: providerName(resource),
      operation: 'embeddings',
      api: 'openai.embeddings.create',
      model,
      stream: false,
      attributes: () =>
        defined({
          [sc.ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
          [sc.ATTR_GEN_AI_PROVIDER_NAME]: providerName(resource),
          [sc.ATTR_GEN_AI_REQUEST_MODEL]: model,
          [sc.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS]: strings(body.encoding_format),
          [sc.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: num(body.dimensions),
          ...serverAttributes(resource),
        }),
    };
  },
  inputSlots: embeddingSlots,
  response(data, g) {
    if (!isRecord(data)) return;
    const first = Array.isArray(data.data) ? data.data[0] : undefined;
    const vec = isRecord(first) ? first.embedding : undefined;
    const usage = isRecord(data.usage) ? data.usage : {};
    g.response(() =>
      defined({
        [sc.ATTR_GEN_AI_RESPONSE_MODEL]: typeof data.model === 'string' ? data.model : undefined,
        [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: num(usage.prompt_tokens),
        [sc.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: Array.isArray(vec) ? vec.length : undefined,
      }),
    );
  },
};
