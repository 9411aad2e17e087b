import { randomBytes } from 'node:crypto';
import type { Finding } from './types.js';

/**
 * Canary tokens: a random token embedded in a system prompt (or a secret document). The model has
 * no reason to repeat it, so its appearance in any output means the prompt or document leaked.
 */
const PREFIX = 'pcn';

/** A fresh token, e.g. `pcn-support-bot-9f2c4e1ab07d3c55`; the label (letters, digits, dashes) helps tell tokens apart. */
export function createCanary(label?: string): string {
  const safe = (label ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24);
  const id = randomBytes(8).toString('hex');
  return safe ? `${PREFIX}-${safe}-${id}` : `${PREFIX}-${id}`;
}

/** Longest token `createCanary` makes. */
export const CANARY_MAX_LENGTH = PREFIX.length + 1 + 24 + 1 + 16;

/**
 * Finds the tokens in a text: verbatim, in another case, as the random part alone (a model that
 * drops the prefix), and base64-encoded. Cost: one search per token and form.
 */
export function detectCanaries(text: string, tokens: readonly string[]): Finding[] {
  const out: Finding[] = [];
  if (tokens.length === 0 || text.length === 0) return out;
  const lower = text.toLowerCase();
  for (const token of tokens) {
    if (token.length < 8) continue;
    const forms: { needle: string; haystack: string; rule: string }[] = [{ needle: token.toLowerCase(), haystack: lower, rule: 'canary' }];
    const random = /[0-9a-f]{16}$/i.exec(token)?.[0];
    if (random && random.length < token.length) forms.push({ needle: random.toLowerCase(), haystack: lower, rule: 'canary-partial' });
    forms.push({ needle: Buffer.from(token).toString('base64').replace(/=+$/, ''), haystack: text, rule: 'canary-base64' });
    const seen: [number, number][] = [];
    for (const f of forms) {
      for (let at = f.haystack.indexOf(f.needle); at >= 0; at = f.haystack.indexOf(f.needle, at + f.needle.length)) {
        const end = at + f.needle.length;
        if (seen.some(([s, e]) => at < e && end > s)) continue;
        seen.push([at, end]);
        out.push({ detector: 'canary', rule: f.rule, severity: 'critical', score: 1, start: at, end, evidence: `canary ${token.slice(0, 12)}…` });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
