import { AsyncLocalStorage } from 'node:async_hooks';
import type { Guard } from '../guard/guard.js';
import type { PolicyView } from '../guard/policy-view.js';

export type ScopeKind = 'run' | 'tool';
export type AttributeValue = string | number | boolean;
export type ScopeAttributes = Readonly<Record<string, AttributeValue | undefined>>;

let labelEpoch = 0;
let nextId = 0;
const idPrefix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

/**
 * One agent run, request, or tool execution. A scope sees its ancestors'
 * labels. A label put on a tool scope also goes on the tools around it and on
 * their run (a tool's result flows back into the run), but stops there: a
 * nested run never labels the run it was started from, so per-request runs
 * inside a long-lived outer run, or sibling sub-agents, never share labels.
 * Labels are only ever added.
 */
export class Scope {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  private readonly own = new Set<string>();
  private cachedEpoch = -1;
  private cachedGuard: Guard | undefined;
  private cachedView: PolicyView | undefined;
  private cachedLabels: ReadonlySet<string> = new Set();
  private matched: { guard: Guard; scopes: number[] } | undefined;
  /** The scope's invoke_agent / execute_tool span, when telemetry is on. */
  span: import('@opentelemetry/api').Span | undefined;

  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
    attributes: Readonly<Record<string, string>>,
    readonly tool: string | undefined,
  ) {
    this.id = `${idPrefix}-${(nextId++).toString(36)}`;
    this.attributes = attributes;
  }

  /** The nearest span of this scope or an enclosing one. */
  get nearestSpan(): import('@opentelemetry/api').Span | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.span) return s.span;
    return undefined;
  }

  get run(): Scope | undefined {
    let s: Scope | undefined = this;
    while (s && s.kind !== 'run') s = s.parent;
    return s;
  }

  /** Adds labels here and on the enclosing scopes up to and including the run. Returns true when something was new. */
  addLabels(labels: readonly string[]): boolean {
    let changed = false;
    for (let s: Scope | undefined = this; s; s = s.kind === 'run' ? undefined : s.parent) {
      for (const l of labels) {
        if (!s.own.has(l)) {
          s.own.add(l);
          changed = true;
        }
      }
    }
    if (changed) labelEpoch++;
    return changed;
  }

  labels(): ReadonlySet<string> {
    if (this.cachedEpoch !== labelEpoch) this.refresh();
    return this.cachedLabels;
  }

  /** The policy view for this scope: base plus matching overlays plus active flows. */
  view(guard: Guard): PolicyView {
    if (this.cachedEpoch === labelEpoch && this.cachedGuard === guard) return this.cachedView!;
    this.refresh();
    if (this.matched?.guard !== guard) this.matched = { guard, scopes: guard.matchScopes(this.attributes) };
    this.cachedView = guard.view(this.matched.scopes, guard.activeFlows(this.cachedLabels));
    this.cachedGuard = guard;
    return this.cachedView;
  }

  private refresh(): void {
    const all = new Set<string>();
    for (let s: Scope | undefined = this; s; s = s.parent) for (const l of s.own) all.add(l);
    this.cachedLabels = all;
    this.cachedEpoch = labelEpoch;
    this.cachedGuard = undefined;
  }
}

export const scopeStorage = new AsyncLocalStorage<Scope>();

export function currentScope(): Scope | undefined {
  return scopeStorage.getStore();
}

/** Attributes a child scope sees: its parent's, overridden by its own (values as strings). */
export function mergeAttributes(parent: Scope | undefined, attrs: ScopeAttributes, tool?: string): Record<string, string> {
  const out: Record<string, string> = parent ? { ...parent.attributes } : {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = String(v);
  if (tool !== undefined) out.tool = tool;
  return out;
}
