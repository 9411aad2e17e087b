import type { Adapter, CallGuard, StreamTransformer } from '../call.js';
import { defined, finishReason, isRecord, num, serverAttributes, str } from '../common.js';
import { type GenAiMessage, type Part, parsedArguments } from '../content.js';
import type { Slot } from '../guards/input.js';
import * as sc from '../semconv.js';
import type { HoldBack } from '../stream/hold-back.js';
import { providerName } from './provider.js';

/** OpenAI Responses API: `client.responses.create` (and `stream()`, `parse()` built on it). */

function partsSlots(content: unknown, base: Array<string | number>, source: Slot['source'], slots: Slot[]): void {
  if (typeof content === 'string') slots.push({ path: base, text: content, source });
  else if (Array.isArray(content)) {
    content.forEach((p, j) => {
      if (isRecord(p) && (p.type === 'input_text' || p.type === 'text' || p.type === 'output_text') && typeof p.text === 'string') slots.push({ path: [...base, j, 'text'], text: p.text, source });
    });
  }
}

function responseSlots(body: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  if (typeof body.instructions === 'string') slots.push({ path: ['instructions'], text: body.instructions, source: 'input' });
  const input = body.input;
  if (typeof input === 'string') slots.push({ path: ['input'], text: input, source: 'input' });
  else if (Array.isArray(input)) {
    input.forEach((item, i) => {
      if (!isRecord(item)) return;
      if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output' || item.type === 'mcp_call_output') {
        partsSlots(item.output, ['input', i, 'output'], 'tool-output', slots);
      } else if ((item.type === undefined || item.type === 'message') && item.role !== 'assistant') {
        partsSlots(item.content, ['input', i, 'content'], 'input', slots);
      }
    });
  }
  return slots;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

function inputMessages(body: Record<string, unknown>): { system?: Part[]; messages: GenAiMessage[] } {
  const messages: GenAiMessage[] = [];
  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', parts: [{ type: 'text', content: input }] });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      if (item.type === 'function_call_output') messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: str(item.call_id), response: textOf(item.output) }] });
      else if (item.type === 'function_call') messages.push({ role: 'assistant', parts: [{ type: 'tool_call', id: str(item.call_id), name: String(item.name), arguments: parsedArguments(item.arguments) }] });
      else if (item.type === undefined || item.type === 'message') messages.push({ role: String(item.role ?? 'user'), parts: [{ type: 'text', content: textOf(item.content) }] });
    }
  }
  return typeof body.instructions === 'string' ? { system: [{ type: 'text', content: body.instructions }], messages } : { messages };
}

function usageAttributes(usage: unknown) {
  if (!isRecord(usage)) return {};
  const details = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : undefined;
  return {
    [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: num(usage.input_tokens),
    [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: num(usage.output_tokens),
    [sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: num(details?.cached_tokens),
  };
}

type Item = Record<string, unknown>;

function isCall(item: unknown): item is Item {
  return isRecord(item) && item.type === 'function_call';
}

/** Recomputes the SDK's `output_text` convenience from the (guarded) output items. */
function refreshOutputText(resp: Record<string, unknown>): void {
  if (!('output_text' in resp)) return;
  const texts: string[] = [];
  for (const item of Array.isArray(resp.output) ? resp.output : []) {
    if (!isRecord(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const p of item.content) if (isRecord(p) && p.type === 'output_text' && typeof p.text === 'string') texts.push(p.text);
  }
  resp.output_text = texts.join('');
}

function responseAttributes(resp: Record<string, unknown>) {
  const status = str(resp.status);
  return defined({
    [sc.ATTR_GEN_AI_RESPONSE_ID]: str(resp.id),
    [sc.ATTR_GEN_AI_RESPONSE_MODEL]: str(resp.model),
    [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: status ? [status] : undefined,
    ...usageAttributes(resp.usage),
  });
}

function outputMessages(resp: Record<string, unknown>): GenAiMessage[] {
  const parts: Part[] = [];
  for (const item of Array.isArray(resp.output) ? resp.output : []) {
    if (!isRecord(item)) continue;
    if (item.type === 'message') {
      const t = textOf(item.content);
      if (t) parts.push({ type: 'text', content: t });
    } else if (item.type === 'function_call') parts.push({ type: 'tool_call', id: str(item.call_id), name: String(item.name), arguments: parsedArguments(item.arguments) });
  }
  const hasCalls = parts.some((p) => p.type === 'tool_call');
  return [{ role: 'assistant', parts, finish_reason: hasCalls ? 'tool_call' : finishReason(str(resp.status) ?? 'stop') }];
}

/** Guards a complete response object (also the one `response.completed` carries). `scan: false` when its text was already guarded. */
function guardResponseObject(resp: Record<string, unknown>, g: CallGuard, texts?: Map<string, string>, decided?: Map<string, unknown>): void {
  const output = Array.isArray(resp.output) ? resp.output : [];
  const kept: unknown[] = [];
  for (const item of output) {
    if (isRecord(item) && item.type === 'message' && Array.isArray(item.content)) {
      item.content.forEach((p, j) => {
        if (!isRecord(p) || p.type !== 'output_text' || typeof p.text !== 'string') return;
        const key = `${str(item.id) ?? ''}:${j}`;
        p.text = texts?.has(key) ? texts.get(key)! : g.outputText(p.text);
      });
      kept.push(item);
    } else if (isCall(item)) {
      const callId = str(item.call_id) ?? str(item.id) ?? '';
      let verdict = decided?.get(callId);
      if (verdict === undefined) {
        const r = g.toolCall({ name: String(item.name), arguments: item.arguments, id: callId });
        verdict = r ? r.arguments : null;
        decided?.set(callId, verdict);
      }
      if (verdict === null) continue;
      item.arguments = verdict;
      kept.push(item);
    } else kept.push(item);
  }
  if (kept.length !== output.length) resp.output = kept;
  refreshOutputText(resp);
}

function guardResponse(data: unknown, g: CallGuard): void {
  if (!isRecord(data)) return;
  guardResponseObject(data, g);
  g.response(() => responseAttributes(data));
  g.outputMessages(() => outputMessages(data));
}

interface Channel {
  hold: HoldBack | undefined;
  out: string;
  template: Item;
}

/**
 * Streams: `response.output_text.delta` goes through a hold-back buffer per
 * content part; the rest of a part is released before its `.done` event,
 * and the `.done` events, finished items and the final response carry the
 * guarded text. A function call's events are held until its item is done,
 * then handed on (renumbered) or dropped.
 */
function streamTransformer(g: CallGuard): StreamTransformer {
  const channels = new Map<string, Channel>();
  /** Guarded text per `${item_id}:${content_index}`. */
  const texts = new Map<string, string>();
  /** Decided tool calls: call_id → arguments to hand on, or null when removed. */
  const decided = new Map<string, unknown>();
  const heldCalls = new Map<number, Item[]>();
  const removedIndexes: number[] = [];
  let maxHeld = 0;

  const shift = (ev: Item): void => {
    if (typeof ev.output_index !== 'number' || removedIndexes.length === 0) return;
    const idx = ev.output_index;
    ev.output_index = idx - removedIndexes.filter((r) => r < idx).length;
  };
  const channel = (ev: Item): Channel => {
    const key = `${str(ev.item_id) ?? ''}:${String(ev.content_index ?? 0)}`;
    let c = channels.get(key);
    if (!c) channels.set(key, (c = { hold: g.holdBack(), out: '', template: ev }));
    return c;
  };
  const closeChannel = (ev: Item): Item[] => {
    const key = `${str(ev.item_id) ?? ''}:${String(ev.content_index ?? 0)}`;
    const c = channels.get(key);
    if (!c) return [];
    const out: Item[] = [];
    if (c.hold) {
      const rest = c.hold.flush();
      maxHeld = Math.max(maxHeld, c.hold.maxHeld);
      if (rest) {
        c.out += rest;
        out.push({ ...c.template, delta: rest });
      }
      c.hold = undefined;
    }
    texts.set(key, c.out);
    return out;
  };
  const fixItem = (item: unknown): void => {
    if (!isRecord(item) || item.type !== 'message' || !Array.isArray(item.content)) return;
    item.content.forEach((p, j) => {
      const t = texts.get(`${str(item.id) ?? ''}:${j}`);
      if (isRecord(p) && t !== undefined) p.text = t;
    });
  };

  return {
    push(event) {
      if (!isRecord(event) || typeof event.type !== 'string') return [event];
      const ev = event;
      const type = ev.type as string;
      // A function call's events wait for the call to be complete.
      if (g.holdsToolCalls && typeof ev.output_index === 'number') {
        const idx = ev.output_index;
        if (type === 'response.output_item.added' && isCall(ev.item)) {
          heldCalls.set(idx, [ev]);
          return [];
        }
        const held = heldCalls.get(idx);
        if (held) {
          held.push(ev);
          if (type !== 'response.output_item.done') return [];
          heldCalls.delete(idx);
          const item = isRecord(ev.item) ? ev.item : {};
          const callId = str(item.call_id) ?? str(item.id) ?? '';
          const r = g.toolCall({ name: String(item.name), arguments: item.arguments, id: callId });
          decided.set(callId, r ? r.arguments : null);
          if (!r) {
            removedIndexes.push(idx);
            return [];
          }
          for (const e of held) {
            if (r.arguments !== item.arguments) {
              if (e.type === 'response.function_call_arguments.delta') e.delta = '';
              if (e.type === 'response.function_call_arguments.done') e.arguments = r.arguments;
            }
            shift(e);
          }
          if (r.arguments !== item.arguments) {
            item.arguments = r.arguments;
            const first = held.findIndex((e) => e.type === 'response.function_call_arguments.delta');
            if (first >= 0) held[first]!.delta = r.arguments;
          }
          return held;
        }
      }
      shift(ev);
      switch (type) {
        case 'response.output_text.delta': {
          const c = channel(ev);
          if (c.hold && typeof ev.delta === 'string') ev.delta = c.hold.push(ev.delta);
          if (typeof ev.delta === 'string') c.out += ev.delta;
          return [ev];
        }
        case 'response.output_text.done': {
          const before = closeChannel(ev);
          const t = texts.get(`${str(ev.item_id) ?? ''}:${String(ev.content_index ?? 0)}`);
          if (t !== undefined) ev.text = t;
          return [...before, ev];
        }
        case 'response.content_part.done': {
          const t = texts.get(`${str(ev.item_id) ?? ''}:${String(ev.content_index ?? 0)}`);
          if (t !== undefined && isRecord(ev.part) && typeof ev.part.text === 'string') ev.part.text = t;
          return [ev];
        }
        case 'response.output_item.done':
          fixItem(ev.item);
          return [ev];
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed': {
          if (isRecord(ev.response)) {
            const resp = ev.response;
            for (const item of Array.isArray(resp.output) ? resp.output : []) fixItem(item);
            guardResponseObject(resp, g, texts, decided);
            g.response(responseAttributes(resp));
            g.outputMessages(outputMessages(resp));
          }
          return [ev];
        }
        default:
          return [ev];
      }
    },
    end() {
      const out: Item[] = [];
      for (const [key, c] of channels) {
        if (!c.hold) continue;
        const [itemId, ci] = key.split(':');
        out.push(...closeChannel({ ...c.template, item_id: itemId, content_index: Number(ci) }));
      }
      if (maxHeld > 0) g.response({ [sc.ATTR_PALISADE_HOLD_BACK_MAX]: maxHeld });
      return out;
    },
  };
}

export const responses: Adapter = {
  describe(body, resource) {
    const model = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    const text = isRecord(body.text) && isRecord(body.text.format) ? body.text.format.type : undefined;
    return {
      provider: providerName(resource),
      operation: 'chat',
      api: 'openai.responses.create',
      model,
      stream: Boolean(body.stream),
      attributes: () =>
        defined({
          [sc.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [sc.ATTR_GEN_AI_PROVIDER_NAME]: providerName(resource),
          [sc.ATTR_GEN_AI_REQUEST_MODEL]: model,
          [sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: num(body.max_output_tokens),
          [sc.ATTR_GEN_AI_REQUEST_TEMPERATURE]: num(body.temperature),
          [sc.ATTR_GEN_AI_REQUEST_TOP_P]: num(body.top_p),
          [sc.ATTR_GEN_AI_REQUEST_STREAM]: body.stream ? true : undefined,
          [sc.ATTR_GEN_AI_OUTPUT_TYPE]: text === 'json_schema' || text === 'json_object' ? 'json' : 'text',
          ...serverAttributes(resource),
        }),
    };
  },
  inputSlots: responseSlots,
  inputMessages,
  response: guardResponse,
  stream: streamTransformer,
};
