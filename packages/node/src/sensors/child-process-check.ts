/**
 * One decision per spawn: build the child's environment (with Palisade's
 * propagation), find every command the spawn can run, and ask the guard
 * about each, outer first. The first deny decides; in monitor mode every
 * would-be deny is recorded as an alert and the spawn goes ahead.
 */
import fs from 'node:fs';
import { type Runtime, type Verdict, type CommandTarget, displayCommand } from '@palisade/core';
import { type AnalysisOptions, analyzeCommand } from '../normalize/command-analysis.js';
import { EnvView } from '../normalize/env-view.js';
import { originalOf } from '../wrap.js';
import { type EnvRecord, envFileInjectionNames, isInjectionName, smuggledNames, snapshotEnv } from './child-process-env.js';
import { type ChildPropagation, applyPropagation, isOwnValue, propagationFor, propagationIntact } from './child-process-propagate.js';

const readFileSync = originalOf(fs.readFileSync);
const statSync = originalOf(fs.statSync);
const MAX_ENV_FILE = 1 << 20;

export interface SpawnPlan {
  /** The first deny, when the spawn must not happen. */
  readonly denied: Verdict | undefined;
  /** The environment to hand Node (null prototype, propagation applied). */
  readonly env: EnvRecord;
  /** Absolute path of the program Node will exec, when found on PATH. */
  readonly executable: string | undefined;
}

function readEnvFileNames(file: string): readonly string[] | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st || !st.isFile() || st.size > MAX_ENV_FILE) return undefined;
    return envFileInjectionNames(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function analysisOptions(p: ChildPropagation | undefined): AnalysisOptions {
  return {
    propagation: { active: p !== undefined, intact: (env) => propagationIntact(p, env), viaImport: p?.viaImport ?? false },
    isInjectionName,
    envFileNames: readEnvFileNames,
  };
}

/** The environment Node will give the child, with propagation applied, and what in it was smuggled. */
export function childEnvironment(rt: Runtime, source: unknown): { env: EnvRecord; smuggled: string[]; propagation: ChildPropagation | undefined } {
  const p = propagationFor(rt);
  const env = snapshotEnv(source);
  const smuggled = smuggledNames(env, (k, v) => isOwnValue(p, k, v));
  if (p) applyPropagation(env, p);
  return { env, smuggled, propagation: p };
}

/** Decides a spawn of `file args…` (argv[0] `argv0`) in `cwd` with the environment from `envSource`. */
export function planSpawn(rt: Runtime, api: string, file: string, argv0: string | undefined, args: readonly string[], cwd: string | undefined, envSource: unknown): SpawnPlan {
  const { env, smuggled, propagation } = childEnvironment(rt, envSource);
  return analyzeAndDecide(rt, api, file, argv0, args, cwd, env, smuggled, propagation);
}

/**
 * The analysis works on plain strings the wrappers already read from the
 * caller (no getter of the caller's runs here): a failure inside it is
 * Palisade's own, an internal error (`Runtime#fault`) denied or let through as
 * `onInternalError` says.
 */
function analyzeAndDecide(rt: Runtime, api: string, file: string, argv0: string | undefined, args: readonly string[], cwd: string | undefined, env: EnvRecord, smuggled: string[], p: ChildPropagation | undefined): SpawnPlan {
  let analysis: ReturnType<typeof analyzeCommand>;
  try {
    analysis = analyzeCommand(file, argv0, args, EnvView.of(env, smuggled), cwd, analysisOptions(p));
  } catch (err) {
    const v = rt.fault('process.spawn', displayCommand({ executable: file, args }), err, api);
    return { denied: v.action === 'deny' ? v : undefined, env, executable: undefined };
  }
  return { denied: decideAll(rt, api, analysis.targets), env, executable: analysis.executable };
}

/** Same, for an environment that is already final (a direct ChildProcess#spawn). */
export function planFinalEnv(rt: Runtime, api: string, file: string, argv0: string | undefined, args: readonly string[], cwd: string | undefined, env: EnvRecord): SpawnPlan {
  const p = propagationFor(rt);
  const smuggled = smuggledNames(env, (k, v) => isOwnValue(p, k, v));
  if (p) applyPropagation(env, p);
  return analyzeAndDecide(rt, api, file, argv0, args, cwd, env, smuggled, p);
}

function decideAll(rt: Runtime, api: string, targets: readonly CommandTarget[]): Verdict | undefined {
  let detail: Record<string, unknown> | undefined;
  for (let i = 0; i < targets.length; i++) {
    if (i === 1) detail = { 'palisade.spawn.command': displayCommand(targets[0]!) };
    const v = rt.decideCommand(targets[i]!, api, detail);
    if (v.action === 'deny') return v;
  }
  return undefined;
}
