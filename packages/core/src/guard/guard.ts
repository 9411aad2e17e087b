import type { PolicyProgram } from '../compile/compile.js';
import { PolicyView } from './policy-view.js';

/**
 * Holds a compiled policy and the views derived from it for each combination
 * of matching scope overlays and active flows (few in practice, each cached).
 */
export class Guard {
  readonly base: PolicyView;
  private readonly views = new Map<string, PolicyView>();

  constructor(readonly program: PolicyProgram) {
    this.base = new PolicyView(program, '', [program.allow], [program.deny]);
  }

  get mode() {
    return this.program.mode;
  }

  /** Indexes of `scopes[]` whose `match` fits these attributes (all keys must match). */
  matchScopes(attrs: Readonly<Record<string, string>>): number[] {
    const out: number[] = [];
    for (const scope of this.program.scopes) {
      const fits = scope.match.every(([key, alternatives]) => {
        const value = attrs[key];
        return value !== undefined && alternatives.some((a) => (typeof a === 'string' ? a === value : a.test(value)));
      });
      if (fits) out.push(scope.index);
    }
    return out;
  }

  /** Indexes of `flows[]` whose `when` labels are all present. */
  activeFlows(labels: ReadonlySet<string>): number[] {
    const out: number[] = [];
    if (labels.size === 0) return out;
    for (const flow of this.program.flows) if (flow.when.every((l) => labels.has(l))) out.push(flow.index);
    return out;
  }

  view(scopes: readonly number[], flows: readonly number[]): PolicyView {
    if (scopes.length === 0 && flows.length === 0) return this.base;
    const key = `${scopes.join(',')}|${flows.join(',')}`;
    let view = this.views.get(key);
    if (!view) {
      const p = this.program;
      view = new PolicyView(
        p,
        key,
        [p.allow, ...scopes.map((i) => p.scopes[i]!.allow)],
        [p.deny, ...scopes.map((i) => p.scopes[i]!.deny), ...flows.map((i) => p.flows[i]!.deny)],
      );
      this.views.set(key, view);
    }
    return view;
  }
}
