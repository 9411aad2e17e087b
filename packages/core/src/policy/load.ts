import fs from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import { MODES, type Mode } from '../capabilities.js';
import { PalisadePolicyError } from '../errors.js';
import { RECOMMENDED_POLICY } from './preset.js';
import { type KnownKeys, describeIssues } from './problems.js';
import { type Policy, PolicySchema } from './schema.js';
import { lineColumn, stripJsonComments } from './jsonc.js';
import { keysAt } from './schema-keys.js';

// Bound before sensors patch fs: reading the policy is Palisade's own I/O.
const { readFileSync, existsSync } = fs;

export const POLICY_FILE_NAMES = ['palisade.policy.json', 'palisade.policy.yaml', 'palisade.policy.yml'] as const;

const knownKeys: KnownKeys = (path) => keysAt(PolicySchema, path);

/** Validates already-parsed data. Throws PalisadePolicyError with one line per problem. */
export function validatePolicy(data: unknown, source = 'policy'): Policy {
  const r = PolicySchema.safeParse(data, { reportInput: true });
  if (r.success) return r.data;
  throw new PalisadePolicyError(source, describeIssues(r.error.issues, data, knownKeys));
}

export type PolicyFormat = 'json' | 'yaml';

export function formatOf(path: string): PolicyFormat {
  return /\.ya?ml$/i.test(path) ? 'yaml' : 'json';
}

/** Parses policy text (JSON with comments, or YAML) and validates it. */
export function parsePolicy(text: string, source: string, format: PolicyFormat = formatOf(source)): Policy {
  let data: unknown;
  if (format === 'yaml') {
    const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new PalisadePolicyError(source, doc.errors.map((e) => `${e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : ''}${e.message.split('\n')[0]}`));
    }
    data = doc.toJS();
  } else {
    const stripped = stripJsonComments(text);
    try {
      data = JSON.parse(stripped);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const where = m ? lineColumn(stripped, Number(m[1])) : undefined;
      throw new PalisadePolicyError(source, [`${where ? `line ${where.line}, column ${where.column}: ` : ''}${(e as Error).message}`]);
    }
    // JSON.parse keeps the last of duplicate keys silently; a duplicated "deny" must not vanish.
    const dup = YAML.parseDocument(stripped, { uniqueKeys: true }).errors.find((err) => err.code === 'DUPLICATE_KEY');
    if (dup) {
      const where = dup.linePos ? `line ${dup.linePos[0].line}, column ${dup.linePos[0].col}: ` : '';
      throw new PalisadePolicyError(source, [`${where}duplicate key (${dup.message.split('\n')[0]})`]);
    }
  }
  return validatePolicy(data, source);
}

export function readPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PalisadePolicyError(path, [`cannot read the policy file: ${(e as Error).message}`]);
  }
  return parsePolicy(text, path);
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** Path of the file, or `recommended preset`. */
  readonly source: string;
  readonly fromFile: boolean;
}

export interface LoadOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The mode PALISADE_MODE asks for, or undefined. Throws on a value that is not a mode. */
export function modeOverride(env: Readonly<Record<string, string | undefined>>): Mode | undefined {
  const raw = env.PALISADE_MODE;
  if (raw === undefined || raw === '') return undefined;
  if ((MODES as readonly string[]).includes(raw)) return raw as Mode;
  throw new PalisadePolicyError('environment', [`PALISADE_MODE: ${JSON.stringify(raw)}: expected ${MODES.join(' | ')}`]);
}

/** Where the policy comes from: PALISADE_POLICY, else the one palisade.policy.* in cwd, else none. */
export function findPolicyFile(options: LoadOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const fromEnv = env.PALISADE_POLICY;
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(cwd, fromEnv);
  const found = POLICY_FILE_NAMES.map((n) => resolve(cwd, n)).filter((p) => existsSync(p));
  if (found.length > 1) {
    throw new PalisadePolicyError(cwd, [`several policy files: ${found.join(', ')}; keep one, or set PALISADE_POLICY`]);
  }
  return found[0];
}

/**
 * Loads the policy the environment points at and applies PALISADE_MODE and
 * PALISADE_AUDIT. With no file: the recommended preset in monitor mode.
 */
export function loadPolicy(options: LoadOptions = {}): LoadedPolicy {
  const env = options.env ?? process.env;
  const mode = modeOverride(env);
  const path = findPolicyFile(options);
  let policy = path ? readPolicyFile(path) : RECOMMENDED_POLICY;
  if (mode) policy = { ...policy, mode };
  const audit = env.PALISADE_AUDIT;
  if (audit !== undefined && audit !== '') {
    policy = { ...policy, audit: audit === 'off' ? false : { ...(policy.audit || {}), path: audit } };
  }
  return { policy, source: path ?? 'recommended preset', fromFile: path !== undefined };
}
