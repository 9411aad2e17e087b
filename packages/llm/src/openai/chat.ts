import type { Adapter, CallGuard, StreamTransformer } from '../call.js';
import { defined, finishReason, isRecord, num, serverAttributes, str, strings } from '../common.js';
import { type GenAiMessage, type Part, parsedArguments } from '../content.js';
import type { Slot } from '../guards/input.js';
import * as sc from '../semconv.js';
import type { HoldBack } from '../stream/hold-back.js';
import { providerName } from './provider.js';

/** OpenAI chat completions: `client.chat.completions.create` (and the helpers built on it). */

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isRecord(p) && p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

export function chatSlots(body: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const messages = body.messages;
  if (!Array.isArray(messages)) return slots;
  messages.forEach((m, i) => {
    if (!isRecord(m)) return;
    const role = m.role;
    if (role === 'assistant') return;
    const source = role === 'tool' || role === 'function' ? 'tool-output' : 'input';
    if (typeof m.content === 'string') slots.push({ path: ['messages', i, 'content'], text: m.content, source });
    else if (Array.isArray(m.content)) {
      m.content.forEach((p, j) => {
        if (isRecord(p) && p.type === 'text' && typeof p.text === 'string') slots.push({ path: ['messages', i, 'content', j, 'text'], text: p.text, source });
      });
    }
  });
  return slots;
}

function outputType(body: Record<string, unknown>): string | undefined {
  const rf = body.response_format;
  if (isRecord(rf) && (rf.type === 'json_schema' || rf.type === 'json_object')) return 'json';
  return 'text';
}

function inputMessages(body: Record<string, unknown>): { messages: GenAiMessage[] } {
  const out: GenAiMessage[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    const role = String(m.role ?? 'user');
    const parts: Part[] = [];
    if (role === 'tool') parts.push({ type: 'tool_call_response', id: str(m.tool_call_id), response: textOf(m.content) });
    else {
      const t = textOf(m.content);
      if (t) parts.push({ type: 'text', content: t });
    }
    if (Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls) {
        if (isRecord(tc) && isRecord(tc.function)) parts.push({ type: 'tool_call', id: str(tc.id), name: String(tc.function.name), arguments: parsedArguments(tc.function.arguments) });
      }
    }
    out.push({ role, parts });
  }
  return { messages: out };
}

interface ChatChoice {
  index?: number;
  message?: { content?: unknown; tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }> };
  finish_reason?: string | null;
}

function usageAttributes(usage: unknown) {
  if (!isRecord(usage)) return {};
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : undefined;
  return {
    [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: num(usage.prompt_tokens),
    [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: num(usage.completion_tokens),
    [sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: num(details?.cached_tokens),
  };
}

function guardResponse(data: unknown, g: CallGuard): void {
  if (!isRecord(data)) return;
  const choices = Array.isArray(data.choices) ? (data.choices as ChatChoice[]) : [];
  const out: GenAiMessage[] = [];
  // The messages are put together for the span only when it keeps content.
  const content = g.recordsContent;
  for (const choice of choices) {
    const msg = choice.message;
    if (!msg) continue;
    if (typeof msg.content === 'string') msg.content = g.outputText(msg.content);
    const parts: Part[] = content && typeof msg.content === 'string' && msg.content ? [{ type: 'text', content: msg.content }] : [];
    if (Array.isArray(msg.tool_calls)) {
      const kept = [];
      for (const tc of msg.tool_calls) {
        const fn = tc.function;
        if (!fn) {
          kept.push(tc);
          continue;
        }
        const r = g.toolCall({ name: String(fn.name), arguments: fn.arguments, id: tc.id });
        if (!r) continue;
        if (r.arguments !== fn.arguments) fn.arguments = r.arguments as string;
        kept.push(tc);
        if (content) parts.push({ type: 'tool_call', id: tc.id, name: String(fn.name), arguments: parsedArguments(fn.arguments) });
      }
      if (kept.length !== msg.tool_calls.length) {
        if (kept.length === 0) {
          delete msg.tool_calls;
          if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
        } else msg.tool_calls = kept;
      }
    }
    if (content) out.push({ role: 'assistant', parts, finish_reason: finishReason(choice.finish_reason ?? 'stop') });
  }
  g.response(() =>
    defined({
      [sc.ATTR_GEN_AI_RESPONSE_ID]: str(data.id),
      [sc.ATTR_GEN_AI_RESPONSE_MODEL]: str(data.model),
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: choices.map((c) => c.finish_reason ?? '').filter(Boolean),
      ...usageAttributes(data.usage),
    }),
  );
  g.outputMessages(out);
}

interface PendingCall {
  id?: string;
  type?: string;
  name: string;
  arguments: string;
}

interface ChoiceState {
  hold: HoldBack | undefined;
  text: string;
  calls: Map<number, PendingCall>;
  finish?: string;
  done: boolean;
}

type Chunk = { id?: string; model?: string; usage?: unknown; choices?: Array<Record<string, unknown>> } & Record<string, unknown>;

/**
 * Streams: content deltas go through a hold-back buffer per choice; tool
 * call fragments are held until the choice finishes, then checked and
 * handed on whole (one fragment each, renumbered) or removed.
 */
function streamTransformer(g: CallGuard): StreamTransformer {
  const states = new Map<number, ChoiceState>();
  const finishReasons: string[] = [];
  let last: Chunk | undefined;
  let maxHeld = 0;
  const state = (i: number): ChoiceState => {
    let s = states.get(i);
    if (!s) states.set(i, (s = { hold: g.holdBack(), text: '', calls: new Map(), done: false }));
    return s;
  };
  const synthetic = (template: Chunk, index: number, delta: Record<string, unknown>): Chunk => {
    const { usage: _u, choices: _c, ...rest } = template;
    return { ...rest, choices: [{ index, delta, logprobs: null, finish_reason: null }] };
  };
  /**
   * Releases what a finished (or ended) choice still holds: text (after `released`, text of the
   * finishing chunk itself, which must come first), then its checked tool calls.
   */
  const settle = (index: number, s: ChoiceState, template: Chunk, released = ''): Chunk[] => {
    const out: Chunk[] = [];
    let rest = '';
    if (s.hold) {
      rest = s.hold.flush();
      maxHeld = Math.max(maxHeld, s.hold.maxHeld);
      s.text += rest;
    }
    if (released || rest) out.push(synthetic(template, index, { content: released + rest }));
    const kept = new Map<number, PendingCall>();
    for (const call of [...s.calls.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])) {
      const r = g.toolCall({ name: call.name, arguments: call.arguments, id: call.id });
      if (!r) continue;
      call.arguments = r.arguments as string;
      const n = kept.size;
      kept.set(n, call);
      out.push(synthetic(template, index, { tool_calls: [{ index: n, id: call.id, type: call.type ?? 'function', function: { name: call.name, arguments: call.arguments } }] }));
    }
    if (s.calls.size > 0 && kept.size === 0 && s.finish === 'tool_calls') s.finish = 'stop';
    s.calls = kept;
    s.done = true;
    return out;
  };
  return {
    push(event) {
      const chunk = event as Chunk;
      if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return [event];
      last = chunk;
      const before: Chunk[] = [];
      for (const choice of chunk.choices) {
        if (!isRecord(choice)) continue;
        const index = typeof choice.index === 'number' ? choice.index : 0;
        const s = state(index);
        const delta = isRecord(choice.delta) ? choice.delta : undefined;
        let released = '';
        if (delta && typeof delta.content === 'string') {
          released = s.hold ? s.hold.push(delta.content) : delta.content;
          delta.content = released;
          s.text += released;
        }
        if (delta && Array.isArray(delta.tool_calls) && g.holdsToolCalls) {
          for (const frag of delta.tool_calls) {
            if (!isRecord(frag)) continue;
            const i = typeof frag.index === 'number' ? frag.index : 0;
            let call = s.calls.get(i);
            if (!call) s.calls.set(i, (call = { name: '', arguments: '' }));
            if (typeof frag.id === 'string') call.id = frag.id;
            if (typeof frag.type === 'string') call.type = frag.type;
            const fn = isRecord(frag.function) ? frag.function : undefined;
            if (fn && typeof fn.name === 'string') call.name += fn.name;
            if (fn && typeof fn.arguments === 'string') call.arguments += fn.arguments;
          }
          delete delta.tool_calls;
        }
        if (typeof choice.finish_reason === 'string' && !s.done) {
          s.finish = choice.finish_reason;
          // Text in the finishing chunk goes out first, with whatever the buffer still holds.
          if (delta && typeof delta.content === 'string' && (s.hold || s.calls.size > 0)) delta.content = '';
          else released = '';
          before.push(...settle(index, s, chunk, released));
          choice.finish_reason = s.finish;
          finishReasons[index] = s.finish;
        }
      }
      if (isRecord(chunk.usage)) g.response(defined(usageAttributes(chunk.usage)));
      return before.length > 0 ? [...before, chunk] : [chunk];
    },
    end() {
      const out: Chunk[] = [];
      if (last) for (const [index, s] of states) if (!s.done) out.push(...settle(index, s, last));
      if (last) g.response(defined({ [sc.ATTR_GEN_AI_RESPONSE_ID]: str(last.id), [sc.ATTR_GEN_AI_RESPONSE_MODEL]: str(last.model) }));
      const reasons = finishReasons.filter(Boolean);
      if (reasons.length > 0) g.response({ [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: reasons });
      if (maxHeld > 0) g.response({ [sc.ATTR_PALISADE_HOLD_BACK_MAX]: maxHeld });
      g.outputMessages(
        [...states.entries()].map(([index, s]) => ({
          role: 'assistant',
          parts: [
            ...(s.text ? [{ type: 'text' as const, content: s.text }] : []),
            ...[...s.calls.values()].map((c) => ({ type: 'tool_call' as const, id: c.id, name: c.name, arguments: parsedArguments(c.arguments) })),
          ],
          finish_reason: finishReason(finishReasons[index] ?? 'stop'),
        })),
      );
      return out;
    },
  };
}

export const chatCompletions: Adapter = {
  describe(body, resource) {
    const model = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    const n = num(body.n);
    return {
      provider: providerName(resource),
      operation: 'chat',
      api: 'openai.chat.completions.create',
      model,
      stream: Boolean(body.stream),
      attributes: () =>
        defined({
          [sc.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [sc.ATTR_GEN_AI_PROVIDER_NAME]: providerName(resource),
          [sc.ATTR_GEN_AI_REQUEST_MODEL]: model,
          [sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: num(body.max_completion_tokens) ?? num(body.max_tokens),
          [sc.ATTR_GEN_AI_REQUEST_TEMPERATURE]: num(body.temperature),
          [sc.ATTR_GEN_AI_REQUEST_TOP_P]: num(body.top_p),
          [sc.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]: num(body.frequency_penalty),
          [sc.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY]: num(body.presence_penalty),
          [sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: strings(body.stop),
          [sc.ATTR_GEN_AI_REQUEST_SEED]: num(body.seed),
          [sc.ATTR_GEN_AI_REQUEST_CHOICE_COUNT]: n !== undefined && n !== 1 ? n : undefined,
          [sc.ATTR_GEN_AI_REQUEST_STREAM]: body.stream ? true : undefined,
          [sc.ATTR_GEN_AI_OUTPUT_TYPE]: outputType(body),
          ...serverAttributes(resource),
        }),
    };
  },
  inputSlots: chatSlots,
  inputMessages,
  response: guardResponse,
  stream: streamTransformer,
};
