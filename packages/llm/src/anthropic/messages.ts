import type { Adapter, CallGuard, StreamTransformer } from '../call.js';
import { clientName, defined, finishReason, isRecord, num, serverAttributes, str, strings } from '../common.js';
import { type GenAiMessage, type Part, parsedArguments } from '../content.js';
import type { Slot } from '../guards/input.js';
import * as sc from '../semconv.js';
import type { HoldBack } from '../stream/hold-back.js';

/** Anthropic messages: `client.messages.create` and `client.beta.messages.create` (and `stream()`, `parse()` built on them). */

function providerName(resource: unknown): string {
  const name = clientName(resource);
  if (name === 'AnthropicBedrock') return 'aws.bedrock';
  if (name === 'AnthropicVertex') return 'gcp.vertex_ai';
  return 'anthropic';
}

function blockSlots(content: unknown, base: Array<string | number>, source: Slot['source'], slots: Slot[]): void {
  if (typeof content === 'string') {
    slots.push({ path: base, text: content, source });
    return;
  }
  if (!Array.isArray(content)) return;
  content.forEach((b, j) => {
    if (!isRecord(b)) return;
    if (b.type === 'text' && typeof b.text === 'string') slots.push({ path: [...base, j, 'text'], text: b.text, source });
    else if (b.type === 'tool_result') blockSlots(b.content, [...base, j, 'content'], 'tool-output', slots);
    else if (b.type === 'document' && isRecord(b.source) && b.source.type === 'text' && typeof b.source.data === 'string') {
      slots.push({ path: [...base, j, 'source', 'data'], text: b.source.data, source });
    }
  });
}

function messageSlots(body: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  blockSlots(body.system, ['system'], 'input', slots);
  const messages = body.messages;
  if (Array.isArray(messages)) {
    messages.forEach((m, i) => {
      if (isRecord(m) && m.role !== 'assistant') blockSlots(m.content, ['messages', i, 'content'], 'input', slots);
    });
  }
  return slots;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

function inputMessages(body: Record<string, unknown>): { system?: Part[]; messages: GenAiMessage[] } {
  const messages: GenAiMessage[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    const parts: Part[] = [];
    if (typeof m.content === 'string') parts.push({ type: 'text', content: m.content });
    else if (Array.isArray(m.content)) {
      for (const b of m.content) {
        if (!isRecord(b)) continue;
        if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', content: b.text });
        else if (b.type === 'tool_use') parts.push({ type: 'tool_call', id: str(b.id), name: String(b.name), arguments: b.input });
        else if (b.type === 'tool_result') parts.push({ type: 'tool_call_response', id: str(b.tool_use_id), response: textOf(b.content) });
      }
    }
    messages.push({ role: String(m.role ?? 'user'), parts });
  }
  const system = body.system === undefined ? undefined : textOf(body.system);
  return system ? { system: [{ type: 'text', content: system }], messages } : { messages };
}

function usageAttributes(usage: unknown) {
  if (!isRecord(usage)) return {};
  return {
    [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: num(usage.input_tokens),
    [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: num(usage.output_tokens),
    [sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: num(usage.cache_read_input_tokens),
    [sc.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: num(usage.cache_creation_input_tokens),
  };
}

function guardResponse(data: unknown, g: CallGuard): void {
  if (!isRecord(data) || !Array.isArray(data.content)) return;
  const kept: unknown[] = [];
  const parts: Part[] = [];
  let removed = 0;
  for (const block of data.content) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') {
      const text = g.outputText(block.text);
      block.text = text;
      parts.push({ type: 'text', content: text });
    } else if (isRecord(block) && block.type === 'tool_use') {
      const r = g.toolCall({ name: String(block.name), arguments: block.input, id: str(block.id) });
      if (!r) {
        removed++;
        continue;
      }
      block.input = r.arguments;
      parts.push({ type: 'tool_call', id: str(block.id), name: String(block.name), arguments: block.input });
    }
    kept.push(block);
  }
  if (removed > 0) {
    data.content = kept;
    if (data.stop_reason === 'tool_use' && !kept.some((b) => isRecord(b) && b.type === 'tool_use')) data.stop_reason = 'end_turn';
  }
  const stop = str(data.stop_reason);
  g.response(() =>
    defined({
      [sc.ATTR_GEN_AI_RESPONSE_ID]: str(data.id),
      [sc.ATTR_GEN_AI_RESPONSE_MODEL]: str(data.model),
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: stop ? [stop] : undefined,
      ...usageAttributes(data.usage),
    }),
  );
  g.outputMessages([{ role: 'assistant', parts, finish_reason: finishReason(stop ?? 'end_turn') }]);
}

type Event = Record<string, unknown>;

interface Block {
  kind: 'text' | 'tool' | 'other';
  hold?: HoldBack | undefined;
  text: string;
  template?: Event;
  events?: Event[];
  name?: string;
  id?: string | undefined;
  json?: string;
  input?: unknown;
}

/**
 * Streams: text deltas go through a hold-back buffer per content block (the
 * rest is released before `content_block_stop`); a tool_use block's events
 * are held until the block stops, then checked and handed on (renumbered) or
 * dropped. `message_delta` turns `tool_use` into `end_turn` when no tool call
 * is left.
 */
function streamTransformer(g: CallGuard): StreamTransformer {
  const blocks = new Map<number, Block>();
  const removed: number[] = [];
  let toolsKept = 0;
  let stop: string | undefined;
  let id: string | undefined;
  let model: string | undefined;
  let maxHeld = 0;
  const parts: Part[] = [];

  const shift = (ev: Event): void => {
    if (typeof ev.index !== 'number' || removed.length === 0) return;
    const i = ev.index;
    ev.index = i - removed.filter((r) => r < i).length;
  };

  return {
    push(event) {
      if (!isRecord(event) || typeof event.type !== 'string') return [event];
      const ev = event;
      const index = typeof ev.index === 'number' ? ev.index : -1;
      switch (ev.type) {
        case 'message_start': {
          const msg = isRecord(ev.message) ? ev.message : {};
          id = str(msg.id);
          model = str(msg.model);
          g.response(defined({ [sc.ATTR_GEN_AI_RESPONSE_ID]: id, [sc.ATTR_GEN_AI_RESPONSE_MODEL]: model, ...usageAttributes(msg.usage) }));
          return [ev];
        }
        case 'content_block_start': {
          const cb = isRecord(ev.content_block) ? ev.content_block : {};
          if (cb.type === 'text') {
            const b: Block = { kind: 'text', hold: g.holdBack(), text: '' };
            blocks.set(index, b);
            if (typeof cb.text === 'string' && cb.text && b.hold) cb.text = b.hold.push(cb.text);
            if (typeof cb.text === 'string') b.text += cb.text;
            shift(ev);
            return [ev];
          }
          if (cb.type === 'tool_use' && g.holdsToolCalls) {
            blocks.set(index, { kind: 'tool', text: '', events: [ev], name: String(cb.name), id: str(cb.id), json: '', input: cb.input });
            return [];
          }
          blocks.set(index, { kind: 'other', text: '' });
          shift(ev);
          return [ev];
        }
        case 'content_block_delta': {
          const b = blocks.get(index);
          const delta = isRecord(ev.delta) ? ev.delta : {};
          if (b?.kind === 'tool') {
            if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') b.json += delta.partial_json;
            b.events!.push(ev);
            return [];
          }
          if (b?.kind === 'text' && delta.type === 'text_delta' && typeof delta.text === 'string') {
            if (b.hold) delta.text = b.hold.push(delta.text);
            b.text += delta.text as string;
            b.template = ev;
          }
          shift(ev);
          return [ev];
        }
        case 'content_block_stop': {
          const b = blocks.get(index);
          if (b?.kind === 'tool') {
            b.events!.push(ev);
            let args: unknown = b.input;
            if (b.json) {
              args = b.json;
            }
            const r = g.toolCall({ name: b.name!, arguments: args, id: b.id });
            if (!r) {
              removed.push(index);
              blocks.delete(index);
              return [];
            }
            toolsKept++;
            parts.push({ type: 'tool_call', id: b.id, name: b.name!, arguments: parsedArguments(r.arguments) });
            if (r.arguments !== args) {
              // Arguments were redacted: hand them on as one fragment.
              const json = typeof r.arguments === 'string' ? r.arguments : JSON.stringify(r.arguments);
              let first = true;
              for (const e of b.events!) {
                if (e.type === 'content_block_delta' && isRecord(e.delta) && e.delta.type === 'input_json_delta') {
                  e.delta.partial_json = first ? json : '';
                  first = false;
                }
              }
            }
            for (const e of b.events!) shift(e);
            return b.events!;
          }
          const out: Event[] = [];
          if (b?.kind === 'text') {
            if (b.hold) {
              const rest = b.hold.flush();
              maxHeld = Math.max(maxHeld, b.hold.maxHeld);
              b.hold = undefined;
              if (rest) {
                b.text += rest;
                out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: rest } });
              }
            }
            if (b.text) parts.push({ type: 'text', content: b.text });
          }
          out.push(ev);
          for (const e of out) shift(e);
          return out;
        }
        case 'message_delta': {
          const delta = isRecord(ev.delta) ? ev.delta : {};
          if (delta.stop_reason === 'tool_use' && removed.length > 0 && toolsKept === 0) delta.stop_reason = 'end_turn';
          stop = str(delta.stop_reason) ?? stop;
          if (isRecord(ev.usage)) g.response(defined(usageAttributes(ev.usage)));
          return [ev];
        }
        default:
          shift(ev);
          return [ev];
      }
    },
    end() {
      const out: Event[] = [];
      for (const [index, b] of blocks) {
        if (b.kind !== 'text' || !b.hold) continue;
        const rest = b.hold.flush();
        maxHeld = Math.max(maxHeld, b.hold.maxHeld);
        b.hold = undefined;
        if (rest) {
          b.text += rest;
          const ev: Event = { type: 'content_block_delta', index, delta: { type: 'text_delta', text: rest } };
          shift(ev);
          out.push(ev);
        }
      }
      if (stop) g.response({ [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [stop] });
      if (maxHeld > 0) g.response({ [sc.ATTR_PALISADE_HOLD_BACK_MAX]: maxHeld });
      g.outputMessages([{ role: 'assistant', parts, finish_reason: finishReason(stop ?? 'end_turn') }]);
      return out;
    },
  };
}

function describe(api: string) {
  return (body: Record<string, unknown>, resource: unknown) => {
    const model = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    return {
      provider: providerName(resource),
      operation: 'chat' as const,
      api,
      model,
      stream: Boolean(body.stream),
      attributes: () =>
        defined({
          [sc.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [sc.ATTR_GEN_AI_PROVIDER_NAME]: providerName(resource),
          [sc.ATTR_GEN_AI_REQUEST_MODEL]: model,
          [sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: num(body.max_tokens),
          [sc.ATTR_GEN_AI_REQUEST_TEMPERATURE]: num(body.temperature),
          [sc.ATTR_GEN_AI_REQUEST_TOP_P]: num(body.top_p),
          [sc.ATTR_GEN_AI_REQUEST_TOP_K]: num(body.top_k),
          [sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: strings(body.stop_sequences),
          [sc.ATTR_GEN_AI_REQUEST_STREAM]: body.stream ? true : undefined,
          [sc.ATTR_GEN_AI_OUTPUT_TYPE]: 'text',
          ...serverAttributes(resource),
        }),
    };
  };
}

function adapter(api: string): Adapter {
  return { describe: describe(api), inputSlots: messageSlots, inputMessages, response: guardResponse, stream: streamTransformer };
}

export const messages = adapter('anthropic.messages.create');
export const betaMessages = adapter('anthropic.beta.messages.create');
