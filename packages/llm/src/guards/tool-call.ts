import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributes } from '@opentelemetry/api';
import { type PolicyView, type Runtime, Scope, type Verdict, normalizeHost, activeContext, scopeStorage, withContext, semconv, verdictAttributes } from '@palisade/core';
import { PalisadeToolCallError } from '../errors.js';
import { modelForms } from '../model.js';
import * as sc from '../semconv.js';
import { allSpans, onDeniedToolCall, toolCallSettings } from '../settings.js';
import { type CallSpan, startLinkedSpan } from '../span.js';

/** A tool call as the model proposed it. */
export interface ProposedToolCall {
  readonly name: string;
  /** JSON text (OpenAI, streamed Anthropic) or an object (Anthropic). */
  readonly arguments: unknown;
  readonly id?: string | undefined;
}

const SUPPRESS_TRACING_KEY = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

// Own copy: an app that monkey-patches path.resolve must not change a check.
const resolvePath = path.resolve;

/** Whether the policy can deny any tool call (so proposals are worth holding back until complete). */
export function toolGuardActive(rt: Runtime): boolean {
  const p = rt.policy;
  if (p.allow?.['tool.call'] !== undefined || p.deny?.['tool.call'] !== undefined) return true;
  if (Object.keys(toolCallSettings(rt).args ?? {}).length > 0) return true;
  for (const f of p.flows ?? []) if (Array.isArray(f.deny) ? f.deny.includes('tool.call') : f.deny['tool.call'] !== undefined) return true;
  for (const s of p.scopes ?? []) if (s.allow?.['tool.call'] !== undefined || s.deny?.['tool.call'] !== undefined) return true;
  return false;
}

function refusal(rt: Runtime, capability: Verdict['capability'], target: string, rule: string, reason: string): Verdict {
  return Object.freeze({ action: rt.mode === 'enforce' ? 'deny' : 'alert', capability, target, rule, reason, mode: rt.mode });
}

function isRefusal(v: Verdict): boolean {
  return v.action !== 'allow';
}

/** The name checked in every spelling a dispatcher might accept; a deny entry matching any of them wins. */
function checkName(view: PolicyView, name: string): Verdict {
  const forms = modelForms(name);
  const verdicts = forms.map((f) => view.check('tool.call', f));
  const hardDeny = verdicts.find((v) => isRefusal(v) && !v.rule.startsWith('allow.'));
  if (hardDeny) return hardDeny;
  return verdicts.find((v) => v.action === 'allow') ?? verdicts[0]!;
}

function valueAt(args: unknown, dotted: string): unknown {
  let node = args;
  for (const key of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function pathTargets(value: string): string[] {
  if (value.startsWith('file:')) {
    try {
      return [fileURLToPath(value)];
    } catch {
      return [resolvePath(value)];
    }
  }
  const out = [resolvePath(value)];
  // A tool may expand `~` itself; check both readings.
  if (value === '~' || value.startsWith('~/')) out.push(resolvePath(homedir(), value.slice(2)));
  return out;
}

function endpointOf(value: string): { host: string; port: number | null } | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`);
    const host = normalizeHost(url.hostname.replace(/^\[|\]$/g, ''));
    if (!host) return undefined;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : url.protocol === 'http:' || url.protocol === 'ws:' ? 80 : null;
    return { host, port };
  } catch {
    return undefined;
  }
}

/** The first argument that breaks its constraint, as a refusal of the tool call; undefined when all pass. */
function checkArguments(rt: Runtime, view: PolicyView, name: string, rawArgs: unknown): Verdict | undefined {
  const constraints = toolCallSettings(rt).args;
  const rules = constraints?.[name] ?? constraints?.[name.trim()];
  if (!rules) return undefined;
  let args = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      args = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch {
      return refusal(rt, 'tool.call', name, `llm.toolCalls.args.${name}`, 'arguments are not valid JSON, so their constraints cannot be checked');
    }
  }
  for (const [arg, capability] of Object.entries(rules)) {
    const value = valueAt(args, arg);
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string') return refusal(rt, 'tool.call', name, `llm.toolCalls.args.${name}.${arg}`, `argument ${arg} is not a string (it must pass ${capability})`);
      let verdict: Verdict | undefined;
      if (capability === 'net.connect') {
        const ep = endpointOf(v);
        if (!ep) return refusal(rt, 'tool.call', name, `llm.toolCalls.args.${name}.${arg}`, `argument ${arg} ${JSON.stringify(v)} is not a URL or host (it must pass net.connect)`);
        verdict = view.checkEndpoint('net.connect', ep);
      } else {
        for (const target of pathTargets(v)) {
          const r = view.check(capability, target);
          if (isRefusal(r)) {
            verdict = r;
            break;
          }
          verdict ??= r;
        }
      }
      if (verdict && isRefusal(verdict)) {
        return Object.freeze({
          ...verdict,
          capability: 'tool.call',
          target: name,
          reason: `argument ${arg} ${JSON.stringify(v)}: ${capability} ${verdict.target} ${verdict.reason}`,
        });
      }
    }
  }
  return undefined;
}

export interface ToolCallCheck {
  readonly keep: boolean;
  readonly verdict: Verdict;
}

/**
 * Checks a tool call the model proposed: its name against `tool.call` (with
 * the run's scope overlays and active flows), then each constrained argument
 * against its capability's rules as the tool's own scope will see them.
 * Records the decision on a span linked to the model call. A denied call is
 * removed (`keep: false`), or throws under `llm.toolCalls.onDeny: "block"`.
 */
export function checkToolCall(rt: Runtime, scope: Scope | undefined, call: CallSpan, api: string, model: string, proposed: ProposedToolCall): ToolCallCheck {
  const name = typeof proposed.name === 'string' ? proposed.name : String(proposed.name);
  let verdict: Verdict;
  try {
    verdict = checkName(rt.view(scope), name);
    if (!isRefusal(verdict)) {
      // The arguments are what the tool will see inside its own scope.
      const toolScope = new Scope('tool', scope, { ...(scope?.attributes ?? {}), tool: name }, name);
      const argVerdict = checkArguments(rt, toolScope.view(rt.guard), name, proposed.arguments);
      if (argVerdict) verdict = argVerdict;
    }
  } catch (err) {
    // A fault in the check itself: denied or let through as onInternalError says (see Runtime#fault).
    verdict = rt.faultVerdict('tool.call', name, err);
  }
  const detail: Record<string, unknown> = { [sc.ATTR_GEN_AI_TOOL_NAME]: name, [sc.ATTR_GEN_AI_REQUEST_MODEL]: model };
  if (proposed.id) detail[sc.ATTR_GEN_AI_TOOL_CALL_ID] = proposed.id;
  // A proposal is not yet the operation: trust labels apply when the tool runs.
  const toSettle = verdict.labels ? Object.freeze({ ...verdict, labels: undefined }) : verdict;
  // Settled without its own decision span: the check span below, linked to the model call, stands for it.
  const suppressed = activeContext()?.setValue(SUPPRESS_TRACING_KEY, true);
  scopeStorage.run(scope as Scope, () => withContext(suppressed, () => rt.settle(toSettle, api, detail)));
  if (isRefusal(verdict) || allSpans(rt)) {
    const attrs: Attributes = { ...verdictAttributes(verdict, api), ...(detail as Attributes) };
    if (scope) {
      attrs[semconv.ATTR_PALISADE_SCOPE_ID] = scope.id;
      const labels = [...scope.labels()];
      if (labels.length) attrs[semconv.ATTR_PALISADE_SCOPE_LABELS] = labels;
    }
    const link = call.link({ [sc.ATTR_GEN_AI_OPERATION_NAME]: 'chat' });
    const span = startLinkedSpan(rt, `${sc.SPAN_TOOL_CALL_CHECK} ${name}`, call.parent, attrs, link ? [link] : []);
    if (span && verdict.action === 'deny') span.setAttribute(semconv.ATTR_ERROR_TYPE, 'PalisadeDeniedError');
    span?.end();
  }
  if (verdict.action !== 'deny') return { keep: true, verdict };
  if (onDeniedToolCall(rt) === 'block') throw new PalisadeToolCallError(verdict, name, proposed.id);
  return { keep: false, verdict };
}
