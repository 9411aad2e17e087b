import type { Finding, Severity } from '../types.js';
import { maskSecret } from '../util/evidence.js';
import { SecretEngine, type RawSecretMatch, type SecretRuleSpec } from './engine.js';
import { GITLEAKS_GLOBAL_ALLOW_PATTERNS, GITLEAKS_GLOBAL_STOPWORDS, GITLEAKS_RULES } from './gitleaks-rules.generated.js';
import { OWN_SECRET_RULES } from './rules.js';

// Rules whose matches are only probably secrets: found by a key name, not by a token format.
const GENERIC = new Set(['generic-api-key', 'password-assignment', 'connection-string-password', 'secret-assignment', 'secret-comparison', 'password-in-prose', 'url-query-token', 'url-credentials']);
// among overlapping findings: provider formats first, then structured credentials, then key-name guesses
const WEAK = new Set(['generic-api-key', 'password-assignment', 'secret-assignment', 'secret-comparison', 'password-in-prose', 'url-query-token']);

function severityOf(rule: SecretRuleSpec): Severity {
  if (rule.severity) return rule.severity;
  if (rule.id === 'private-key') return 'critical';
  return GENERIC.has(rule.id) ? 'medium' : 'high';
}

let engine: SecretEngine | undefined;
function getEngine(): SecretEngine {
  engine ??= new SecretEngine([...GITLEAKS_RULES, ...OWN_SECRET_RULES], GITLEAKS_GLOBAL_ALLOW_PATTERNS, GITLEAKS_GLOBAL_STOPWORDS);
  return engine;
}

/** Ids of every secret rule (gitleaks' and Palisade's own). */
export function secretRuleIds(): string[] {
  return [...GITLEAKS_RULES, ...OWN_SECRET_RULES].map((r) => r.id);
}

/** Longest match a secret rule needs to see whole; `excludePemBodies` leaves out the whole-key rules (private keys up to 8 KB). */
export function secretsMaxMatchLength(excludePemBodies = false): number {
  return getEngine().maxMatchLength(excludePemBodies ? PEM_BODY_RULES : undefined);
}

const PEM_BODY_RULES: ReadonlySet<string> = new Set(['private-key', 'base64-pem-private-key', 'kerberos-asrep-hash']);

/**
 * Secrets: the gitleaks rule set (keywords, entropy thresholds and allowlists as gitleaks applies
 * them) plus Palisade's own rules for passwords in URLs, connection strings, command lines and
 * config, password hashes and a few newer key formats. Findings span the secret itself.
 */
export function detectSecrets(text: string): Finding[] {
  const raw = getEngine().scan(text);
  if (raw.length === 0) return [];
  // one finding per span: prefer a specific rule over a generic one, then the longer span
  raw.sort((a, b) => a.start - b.start || b.end - a.end || rank(a) - rank(b));
  const kept: RawSecretMatch[] = [];
  for (const m of raw) {
    const prev = kept[kept.length - 1];
    if (prev && m.start < prev.end) {
      if (rank(m) < rank(prev) && m.end - m.start >= (prev.end - prev.start) / 2) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept.map((m) => {
    const severity = severityOf(m.rule);
    return {
      detector: 'secrets',
      rule: m.rule.id,
      severity,
      score: SCORE[severity],
      start: m.start,
      end: m.end,
      evidence: `${m.rule.id}: ${maskSecret(m.secret)}`,
    } satisfies Finding;
  });
}

// low = identifiers (ARNs, bucket names): reported, and acted on at the default threshold 0.5
const SCORE: Record<Severity, number> = { low: 0.5, medium: 0.7, high: 0.95, critical: 0.99 };

function rank(m: RawSecretMatch): number {
  return WEAK.has(m.rule.id) ? 2 : GENERIC.has(m.rule.id) ? 1 : 0;
}
