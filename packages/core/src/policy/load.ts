import fs from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type YamlModule from 'yaml';
import type { PlaceholderValues } from '../compile/placeholders.js';
import { MODES, type Mode } from '../capabilities.js';
import { PalisadePolicyError } from '../errors.js';
import { RECOMMENDED_POLICY } from './preset.js';
import { type KnownKeys, describeIssues, formatPath } from './problems.js';
import { type Policy, policySchema } from './schema.js';
import { knownValid, rememberValid } from './validate-cache.js';
import { findDuplicateKey, lineColumn, stripJsonComments } from './jsonc.js';
import { keysAt } from './schema-keys.js';

// Bound before sensors patch fs: reading the policy is Palisade's own I/O.
const { readFileSync, existsSync } = fs;

export const POLICY_FILE_NAMES = ['palisade.policy.json', 'palisade.policy.yaml', 'palisade.policy.yml'] as const;

const knownKeys: KnownKeys = (path) => keysAt(policySchema(), path);

/** Validates already-parsed data. Throws PalisadePolicyError with one line per problem. */
export function validatePolicy(data: unknown, source = 'policy'): Policy {
  if (knownValid(data)) return data as Policy;
  const r = policySchema().safeParse(data, { reportInput: true });
  if (r.success) {
    rememberValid(data);
    return r.data;
  }
  throw new PalisadePolicyError(source, describeIssues(r.error.issues, data, knownKeys));
}

export type PolicyFormat = 'json' | 'yaml';

export function formatOf(path: string): PolicyFormat {
  return /\.ya?ml$/i.test(path) ? 'yaml' : 'json';
}

/** `line 3, column 10: ` for a character offset of `text`. */
function at(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}`;
}

// Only YAML policies need the YAML parser: loaded on first use (it costs tens of milliseconds).
let yaml: typeof YamlModule | undefined;
function YAMLlib(): typeof YamlModule {
  return (yaml ??= createRequire(import.meta.url)('yaml') as typeof YamlModule);
}

/** Parses policy text (JSON with comments, or YAML) and validates it. */
export function parsePolicy(text: string, source: string, format: PolicyFormat = formatOf(source)): Policy {
  // Editors on some systems save a byte-order mark; it is not part of the policy.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let data: unknown;
  if (format === 'yaml') {
    const YAML = YAMLlib();
    const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new PalisadePolicyError(
        source,
        doc.errors.map((e) => {
          const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : '';
          // yaml repeats the position and quotes the source after the first line.
          const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
          if (e.code === 'DUPLICATE_KEY') {
            const path = yamlKeyPath(doc, e.pos[0]);
            if (path) return `${formatPath(path)}: duplicate key (${where.slice(0, -2)}): each key may appear only once`;
          }
          return `${where}${message}`;
        }),
      );
    }
    data = doc.toJS();
  } else {
    const stripped = stripJsonComments(text);
    try {
      data = JSON.parse(stripped);
    } catch (e) {
      // V8's wording differs between Node versions; keep the gist, give the place as line and column.
      const raw = (e as Error).message;
      const m = /at position (\d+)/.exec(raw);
      const offset = m ? Number(m[1]) : /end of JSON input/.test(raw) ? stripped.length : undefined;
      const message = raw
        .replace(/ in JSON at position \d+.*$/, '')
        .replace(/, ".*" is not valid JSON$/, '');
      throw new PalisadePolicyError(source, [`${offset !== undefined ? `${at(stripped, offset)}: ` : ''}${message}`]);
    }
    // JSON.parse keeps the last of duplicate keys silently; a duplicated "deny" must not vanish.
    const dup = findDuplicateKey(stripped);
    if (dup) throw new PalisadePolicyError(source, [`${formatPath(dup.path)}: duplicate key (${at(stripped, dup.offset)}): each key may appear only once`]);
  }
  return validatePolicy(data, source);
}

/** Field path of the mapping key that starts at `offset` in a YAML document. */
function yamlKeyPath(doc: YamlModule.Document, offset: number): Array<string | number> | undefined {
  const YAML = YAMLlib();
  let found: Array<string | number> | undefined;
  YAML.visit(doc, {
    Pair(_, pair, ancestors) {
      const key = pair.key;
      if (!YAML.isScalar(key) || key.range?.[0] !== offset) return undefined;
      const path: Array<string | number> = [];
      const chain = [...ancestors, pair];
      chain.forEach((node, i) => {
        if (YAML.isPair(node) && YAML.isScalar(node.key)) path.push(String(node.key.value));
        else if (YAML.isSeq(node)) path.push(node.items.indexOf(chain[i + 1] as never));
      });
      found = path;
      return YAML.visit.BREAK;
    },
  });
  return found;
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
  modeOverride(env); // a bad PALISADE_MODE is reported before the file is read
  const path = findPolicyFile(options);
  const policy = applyEnvironment(path ? readPolicyFile(path) : RECOMMENDED_POLICY, env);
  return { policy, source: path ?? 'recommended preset', fromFile: path !== undefined };
}

/** The policy with PALISADE_MODE and PALISADE_AUDIT (a path, or `off`) applied. */
export function applyEnvironment(policy: Policy, env: Readonly<Record<string, string | undefined>>): Policy {
  const mode = modeOverride(env);
  if (mode) policy = { ...policy, mode };
  const audit = env.PALISADE_AUDIT;
  if (audit !== undefined && audit !== '') {
    policy = { ...policy, audit: audit === 'off' ? false : { ...(policy.audit || {}), path: audit } };
  }
  return policy;
}

/**
 * `PALISADE_POLICY_VALUES`: the placeholder values a parent process compiled
 * its policy with, handed to the child Node processes it starts (so a child
 * started in `/` does not read `${cwd}/**` as `/**`). JSON with absolute
 * `cwd`, `home` and `tmp`. Throws on anything else.
 */
export function placeholderOverride(env: Readonly<Record<string, string | undefined>>): PlaceholderValues | undefined {
  const raw = env.PALISADE_POLICY_VALUES;
  if (raw === undefined || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  const o = v as Record<string, unknown> | undefined;
  const okPath = (p: unknown) => typeof p === 'string' && p.startsWith('/') && !p.includes('\0');
  if (!o || typeof o !== 'object' || !okPath(o.cwd) || !okPath(o.home) || !okPath(o.tmp)) {
    throw new PalisadePolicyError('environment', [`PALISADE_POLICY_VALUES: ${JSON.stringify(raw).slice(0, 120)}: expected JSON with absolute "cwd", "home" and "tmp"`]);
  }
  return { cwd: o.cwd as string, home: o.home as string, tmp: o.tmp as string };
}
