import type { Runtime } from '@palisade/core';
import { applyRedactions, makeScanner } from './guards/detect.js';

/**
 * Prompt and completion content for spans (`gen_ai.input.messages`,
 * `gen_ai.output.messages`), only with `telemetry.content: true`. Whatever the
 * policy does with findings, content bound for telemetry always has secrets,
 * personal data, canaries and exfiltration URLs redacted; without detectors
 * there is no content at all.
 */
export type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string | undefined; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id?: string | undefined; response: unknown };

export interface GenAiMessage {
  role: string;
  parts: Part[];
  finish_reason?: string | undefined;
}

const MAX_PART = 16 * 1024;
const TELEMETRY_DETECT = { secrets: 'redact', pii: 'redact', canary: 'redact', 'exfil-url': 'redact' } as const;

export type Redactor = (text: string) => string;

export function contentRedactor(rt: Runtime, canaries: readonly string[] = []): Redactor | undefined {
  if (rt.policy.telemetry?.content !== true) return undefined;
  const detect: Record<string, string | { action: string; threshold?: number }> = { ...(rt.policy.detect ?? {}) } as Record<string, string>;
  for (const [k, v] of Object.entries(TELEMETRY_DETECT)) detect[k] = v;
  const scanner = makeScanner(rt, 'output', detect, canaries);
  if (!scanner) return undefined;
  return (text: string) => {
    const clipped = text.length > MAX_PART ? `${text.slice(0, MAX_PART)}…` : text;
    const spans = scanner.scan(clipped).filter((f) => f.detector !== 'prompt-injection' && f.detector !== 'dangerous-code');
    return applyRedactions(clipped, spans);
  };
}

function redactValue(v: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof v === 'string') return redact(v);
  if (depth > 8 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = redactValue(x, redact, depth + 1);
  return out;
}

export function messagesJson(messages: readonly GenAiMessage[], redact: Redactor): string {
  return JSON.stringify(
    messages.map((m) => ({
      ...m,
      parts: m.parts.map((p) => {
        if (p.type === 'text') return { ...p, content: redact(p.content) };
        if (p.type === 'tool_call') return { ...p, arguments: redactValue(p.arguments, redact) };
        return { ...p, response: redactValue(p.response, redact) };
      }),
    })),
  );
}

/** Tool arguments as an object when they parse, else the raw text. */
export function parsedArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
