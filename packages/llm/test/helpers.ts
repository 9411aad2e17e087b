/**
 * In-process test setup: a policy, the LLM sensors, the real SDKs (their
 * CommonJS copies, hooked through require-in-the-middle), the mock LLM server,
 * and an in-memory span exporter.
 */
import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type DecisionRecord, type DetectionRecord, init, on } from '@palisade/core';
import { installLlmSensors } from '../src/index.js';
import { type MockLlm, startMockLlm } from '../../../test/fixtures/mock-llm/index.mjs';

export const require = createRequire(import.meta.url);

export const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

export function usePolicy(policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
}

installLlmSensors();

/* eslint-disable @typescript-eslint/no-explicit-any */
export const OpenAI: any = require('openai');
export const OpenAI4: any = require('openai4');
export const Anthropic: any = require('@anthropic-ai/sdk').default;
export const Anthropic0: any = require('anthropic0').default;

export const decisions: DecisionRecord[] = [];
export const detections: DetectionRecord[] = [];
on('decision', (r) => decisions.push(r));
on('detection', (r) => detections.push(r));

export function clearRecords(): void {
  decisions.length = 0;
  detections.length = 0;
  exporter.reset();
}

export function spans(name?: string | RegExp): ReadableSpan[] {
  const all = exporter.getFinishedSpans();
  if (name === undefined) return all;
  return all.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
}

export async function mock(): Promise<MockLlm> {
  return startMockLlm();
}

export function openai(llm: MockLlm, Ctor: any = OpenAI): any {
  return new Ctor({ baseURL: llm.openaiBaseURL, apiKey: 'test-key', maxRetries: 0 });
}

export function anthropic(llm: MockLlm, Ctor: any = Anthropic): any {
  return new Ctor({ baseURL: llm.anthropicBaseURL, apiKey: 'test-key', maxRetries: 0 });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** Text of OpenAI chat chunks. */
export function chunkText(chunks: any[]): string {
  return chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
}

export const tick = () => new Promise((r) => setImmediate(r));
