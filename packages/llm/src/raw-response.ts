import { Readable } from 'node:stream';
import { isPalisadeDenied } from '@palisade/core';
import type { Adapter, CallGuard, StreamTransformer } from './call.js';

/**
 * `asResponse()` hands the app the raw HTTP response, body unread. So that
 * this is no way around the output guards, the body is guarded too: a JSON
 * body is parsed, guarded like a parsed response and serialized again; an
 * event stream is parsed event by event, run through the same stream
 * transformer, and written out again. The response keeps its status and
 * headers (less the length and encoding, which no longer apply) and its
 * class (the SDK's fetch may not be the global one).
 */
interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null; forEach(fn: (value: string, key: string) => void): void };
  readonly ok: boolean;
  text(): Promise<string>;
  readonly body: unknown;
}

type ResponseCtor = new (body: unknown, init: { status: number; statusText: string; headers: Record<string, string> }) => RawResponse;

function headersOf(res: RawResponse): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    if (key !== 'content-length' && key !== 'content-encoding') out[key] = value;
  });
  return out;
}

function rebuild(res: RawResponse, body: unknown): RawResponse {
  const Ctor = (res.constructor as ResponseCtor | undefined) ?? (globalThis.Response as unknown as ResponseCtor);
  return new Ctor(body, { status: res.status, statusText: res.statusText, headers: headersOf(res) });
}

async function* bodyChunks(body: unknown): AsyncGenerator<Uint8Array | string> {
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    for await (const c of body as AsyncIterable<Uint8Array | string>) yield c;
    return;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

interface SseEvent {
  event: string | undefined;
  data: string;
}

function encode(ev: SseEvent, data: unknown): string {
  return `${ev.event ? `event: ${ev.event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** Parses the source's events, guards them, and yields the event stream text again. */
async function* guardedSse(source: unknown, tf: StreamTransformer, g: CallGuard): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let failure: unknown;
  let lastEvent: string | undefined;
  const handle = (block: string): string => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) return `${block}\n\n`;
    const text = data.join('\n');
    const ev = { event, data: text };
    if (text === '[DONE]') return tf.end().map((e) => encode({ event: lastEvent, data: '' }, e)).join('') + encode(ev, text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return encode(ev, text);
    }
    lastEvent = event;
    g.span.firstChunk();
    return tf
      .push(parsed)
      .map((e) => encode({ event: event && e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string' ? (e as { type: string }).type : event, data: '' }, e))
      .join('');
  };
  try {
    for await (const chunk of bodyChunks(source)) {
      buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let cut = buffer.search(/\r?\n\r?\n/);
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(buffer[cut] === '\r' ? cut + 4 : cut + 2).replace(/^\n/, '');
        const out = handle(block);
        if (out) yield out;
        cut = buffer.search(/\r?\n\r?\n/);
      }
    }
    if (buffer.trim()) yield handle(buffer);
    else {
      const tail = tf.end();
      if (tail.length) yield tail.map((e) => encode({ event: lastEvent, data: '' }, e)).join('');
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    g.finish(failure);
  }
}

function webStream(gen: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await gen.next();
        if (done) controller.close();
        else controller.enqueue(enc.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await gen.return(undefined);
    },
  });
}

async function* asBuffers(gen: AsyncGenerator<string>): AsyncGenerator<Buffer> {
  for await (const s of gen) yield Buffer.from(s);
}

export async function guardRawResponse(res: RawResponse, adapter: Adapter, g: CallGuard): Promise<RawResponse> {
  if (!res.ok || res.body === null || res.body === undefined) {
    g.finish();
    return res;
  }
  if (adapter.stream && (res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const gen = guardedSse(res.body, adapter.stream(g), g);
    const isWeb = res.constructor === globalThis.Response;
    return rebuild(res, isWeb ? webStream(gen) : Readable.from(asBuffers(gen)));
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    g.finish();
    return rebuild(res, text);
  }
  try {
    adapter.response(data, g);
  } catch (err) {
    g.finish(err);
    if (isPalisadeDenied(err)) throw err;
    g.rt.recorder.internalError('llm sensor', err);
    return rebuild(res, text);
  }
  g.finish();
  return rebuild(res, JSON.stringify(data));
}
