/**
 * Child Node processes run with Palisade preloaded and this process's policy
 * (policy `spawn.propagate`, default true). Every child environment gets
 *   NODE_OPTIONS     `--require <register>` first (the build's CommonJS
 *                    preload): NODE_OPTIONS preloads run before the child's
 *                    own `-r` modules. Where only the ES module exists (an
 *                    unbuilt tree), `--import <register url>`, which runs
 *                    after them: the analysis then treats a Node child's `-r`
 *                    as code outside Palisade,
 *   PALISADE_POLICY  a file holding the policy in force here (mode and audit
 *                    path included, so PALISADE_MODE/PALISADE_AUDIT are removed),
 *   PALISADE_POLICY_VALUES  the placeholder values (${cwd}, ${home}, ${tmp})
 *                    this process compiled the policy with.
 * Non-Node children ignore these; Node grandchildren started through shells,
 * npm or any other program inherit them.
 */
import { callThrough } from '../reentry.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Runtime, nodeOptionValue, registerPreload, sha256Hex } from '@palisade/core';
import type { EnvView } from '../normalize/env-view.js';
import { originalOf } from '../wrap.js';
import { type EnvRecord, startupValue } from './child-process-env.js';

const writeFileSync = originalOf(fs.writeFileSync);
const readFileSync = originalOf(fs.readFileSync);
const renameSync = originalOf(fs.renameSync);
const mkdirSync = originalOf(fs.mkdirSync);
const lstatSync = originalOf(fs.lstatSync);
const mkdtempSync = originalOf(fs.mkdtempSync);
const join = path.join;
const TMP = os.tmpdir();
const UID = typeof process.getuid === 'function' ? process.getuid() : -1;

let preloadPath: string | undefined;

/**
 * Absolute path of the module children preload (palisade's `register`).
 * Called by the palisade package when it installs the sensors; without it,
 * children are not protected and their inline code is treated as opaque.
 */
export function setChildPreload(registerPath: string | undefined): void {
  preloadPath = registerPath;
  cache = undefined;
}

export interface ChildPropagation {
  readonly nodeOptionsFlag: string;
  readonly policyFile: string;
  readonly values: string;
  readonly audit: string | undefined;
  readonly viaImport: boolean;
}

let cache: { policy: object; audit: string | undefined; result: ChildPropagation | undefined } | undefined;
let warned = false;

/** What to put in children's environments, or undefined when propagation is off. */
export function propagationFor(rt: Runtime): ChildPropagation | undefined {
  if (preloadPath === undefined || rt.policy.spawn?.propagate === false) return undefined;
  const audit = rt.recorder.auditPath;
  if (cache && cache.policy === rt.policy && cache.audit === audit) return cache.result;
  let result: ChildPropagation | undefined;
  try {
    const policyFile = writeChildPolicy(rt, audit);
    // A child may run another Node than this one: the ES module only through --import.
    const [how, value] = registerPreload(preloadPath, false);
    const flag = `${how} ${nodeOptionValue(value)}`;
    const v = rt.guard.program.values;
    result = { nodeOptionsFlag: flag, policyFile, values: JSON.stringify({ cwd: v.cwd, home: v.home, tmp: v.tmp }), audit, viaImport: how === '--import' };
  } catch (err) {
    if (!warned) {
      warned = true;
      rt.recorder.internalError('child_process propagation', err);
    }
    result = undefined;
  }
  cache = { policy: rt.policy, audit, result };
  return result;
}

/** Adds the propagation variables to a child's environment (in place). */
export function applyPropagation(env: EnvRecord, p: ChildPropagation): void {
  const current = env.NODE_OPTIONS;
  if (current === undefined || current === '') env.NODE_OPTIONS = p.nodeOptionsFlag;
  else if (!current.startsWith(p.nodeOptionsFlag)) env.NODE_OPTIONS = `${p.nodeOptionsFlag} ${current}`;
  env.PALISADE_POLICY = p.policyFile;
  env.PALISADE_POLICY_VALUES = p.values;
  delete env.PALISADE_MODE;
  if (p.audit === undefined) env.PALISADE_AUDIT = 'off';
  else delete env.PALISADE_AUDIT;
}

/** Whether a propagation variable's value is Palisade's own (not smuggled). */
export function isOwnValue(p: ChildPropagation | undefined, name: string, value: string): boolean {
  if (!p || name !== 'NODE_OPTIONS') return false;
  if (!value.startsWith(p.nodeOptionsFlag)) return false;
  // What follows the preload must itself be what the process started with.
  const rest = value.slice(p.nodeOptionsFlag.length).trim();
  return rest === '' || rest === (startupValue('NODE_OPTIONS') ?? '').trim() || `${p.nodeOptionsFlag} ${rest}` === startupValue('NODE_OPTIONS');
}

/** The environment still delivers the preload and the policy unchanged. */
export function propagationIntact(p: ChildPropagation | undefined, env: EnvView): boolean {
  if (!p) return false;
  const opts = env.get('NODE_OPTIONS');
  if (typeof opts !== 'string' || !opts.startsWith(p.nodeOptionsFlag)) return false;
  if (env.get('PALISADE_POLICY') !== p.policyFile || env.get('PALISADE_POLICY_VALUES') !== p.values || env.has('PALISADE_MODE')) return false;
  const audit = env.get('PALISADE_AUDIT');
  return p.audit === undefined ? audit === 'off' : audit === undefined;
}

/**
 * Palisade's own I/O, run as a call-through: Node's readFileSync/writeFileSync
 * reach the public (wrapped) openSync inside, which must not be checked
 * against the app's policy.
 */
function writeChildPolicy(rt: Runtime, auditPath: string | undefined): string {
  return callThrough(() => writeChildPolicyFile(rt, auditPath));
}

function writeChildPolicyFile(rt: Runtime, auditPath: string | undefined): string {
  const policy = { ...rt.policy, mode: rt.mode, audit: auditPath === undefined ? (false as const) : { ...(rt.policy.audit || {}), path: auditPath } };
  const text = `${JSON.stringify(policy, null, 2)}\n`;
  const name = `policy-${sha256Hex(text).slice(0, 32)}.json`;
  const file = join(privateDir(), name);
  try {
    if (readFileSync(file, 'utf8') === text) return file;
  } catch {
    // not there yet
  }
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
  return file;
}

let dir: string | undefined;

/** A directory only this user can write: children read the policy from it. */
function privateDir(): string {
  if (dir !== undefined) return dir;
  const shared = join(TMP, `palisade-${UID >= 0 ? UID : 'user'}`);
  try {
    mkdirSync(shared, { mode: 0o700 });
  } catch {
    // exists (checked below) or cannot be created
  }
  try {
    const st = lstatSync(shared);
    if (st.isDirectory() && !st.isSymbolicLink() && (UID < 0 || st.uid === UID) && (st.mode & 0o077) === 0) return (dir = shared);
  } catch {
    // fall through to a fresh directory
  }
  return (dir = mkdtempSync(join(TMP, 'palisade-')));
}
