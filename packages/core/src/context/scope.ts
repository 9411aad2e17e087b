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
 * One agent run, request, or tool execution. Labels flow both ways along the
 * scope tree: a scope sees its ancestors' labels, and a label put on a scope
 * is also put on its ancestors (a tool's result flows back into its run).
 * Siblings never share labels. Labels are only ever added.
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

  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
    attributes: Readonly<Record<string, string>>,
    readonly tool: string | undefined,
  ) {
    this.id = `${idPrefix}-${(nextId++).toString(36)}`;
    this.attributes = attributes;
  }

  get run(): Scope | undefined {
    let s: Scope | undefined = this;
    while (s && s.kind !== 'run') s = s.parent;
    return s;
  }

  /** Adds labels here and on every ancestor. Returns true when something was new. */
  addLabels(labels: readonly string[]): boolean {
    let changed = false;
    for (let s: Scope | undefined = this; s; s = s.parent) {
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
