import workerThreads from 'node:worker_threads';
import { type Policy, Scope, activeRuntime, scopeStorage } from '@palisade/core';

/**
 * Inside a worker Palisade started: the parent's policy and scope, handed
 * over as environment data when the worker was created. The worker's
 * register loaded the policy the way the parent's would have; a parent that
 * was configured from code (`palisade.init({ policy })`) or that created the
 * worker inside a run or tool scope needs more: the worker takes the parent's
 * policy as it was, and runs as a scope with the parent scope's attributes
 * and labels (labels it adds stay in the worker).
 */
export const INHERIT_KEY = 'palisade:worker-inheritance';

export interface Inherited {
  readonly policy: Policy;
  readonly source: string;
  readonly scope?: {
    readonly kind: 'run' | 'tool';
    readonly attributes: Readonly<Record<string, string>>;
    readonly tool: string | undefined;
    readonly labels: readonly string[];
  };
}

let done = false;

export function inheritFromParent(): void {
  if (done || workerThreads.isMainThread) return;
  done = true;
  const data = workerThreads.getEnvironmentData(INHERIT_KEY) as Inherited | undefined;
  const rt = activeRuntime();
  if (!data || !rt) return;
  try {
    rt.configure(data.policy, { source: data.source });
  } catch (err) {
    rt.recorder.internalError('worker policy', err);
  }
  const s = data.scope;
  if (!s) return;
  const scope = new Scope(s.kind, undefined, s.attributes, s.tool);
  if (s.labels.length > 0) scope.addLabels(s.labels);
  // The preload runs in the same synchronous turn that then runs the worker's code: the scope covers all of it.
  scopeStorage.enterWith(scope);
}
