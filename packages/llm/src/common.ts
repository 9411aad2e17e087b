import type { Attributes } from '@opentelemetry/api';
import * as sc from './semconv.js';

/** `server.address` and `server.port` from the client a resource belongs to. */
export function serverAttributes(resource: unknown): Attributes {
  const client = (resource as { _client?: { baseURL?: unknown } } | null)?._client;
  const base = client?.baseURL;
  if (typeof base !== 'string') return {};
  try {
    const url = new URL(base);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
    return { [sc.ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[|\]$/g, ''), ...(port !== undefined ? { [sc.ATTR_SERVER_PORT]: port } : {}) };
  } catch {
    return {};
  }
}

/** The client class's name (AzureOpenAI, AnthropicBedrock, …), which decides `gen_ai.provider.name`. */
export function clientName(resource: unknown): string {
  const client = (resource as { _client?: object } | null)?._client;
  return client?.constructor?.name ?? '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Attributes without the undefined entries. */
export function defined(attrs: Record<string, Attributes[string] | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Semconv finish reasons: `tool_call` for the providers' tool-use stops. */
export function finishReason(reason: string): string {
  if (reason === 'tool_calls' || reason === 'tool_use' || reason === 'function_call') return 'tool_call';
  if (reason === 'end_turn' || reason === 'stop_sequence' || reason === 'completed') return 'stop';
  if (reason === 'max_tokens' || reason === 'incomplete') return 'length';
  return reason;
}
