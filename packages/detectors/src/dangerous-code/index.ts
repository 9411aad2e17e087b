import type { CodeLanguage, Finding } from '../types.js';
import { excerpt } from '../util/evidence.js';
import { assertBounded } from '../util/regex-bound.js';
import { COMMON_RULES, JS_RULES, PY_RULES, SHELL_RULES, type CodeRule } from './rules.js';

export { COMMON_RULES, JS_RULES, PY_RULES, SHELL_RULES } from './rules.js';
export type { CodeRule } from './rules.js';

for (const rule of [...COMMON_RULES, ...SHELL_RULES, ...JS_RULES, ...PY_RULES]) assertBounded(rule.re);

function rulesFor(language: CodeLanguage | undefined): readonly CodeRule[] {
  switch (language) {
    case 'js':
    case 'ts':
      return [...COMMON_RULES, ...JS_RULES];
    case 'python':
      return [...COMMON_RULES, ...PY_RULES];
    case 'shell':
      return [...COMMON_RULES, ...SHELL_RULES];
    default:
      return [...COMMON_RULES, ...SHELL_RULES, ...JS_RULES, ...PY_RULES];
  }
}

/**
 * Dangerous generated code for JS/TS, shell and Python (all of them when no language is given):
 * process spawning, eval, network, file writes and deletes, environment dumps, obfuscation,
 * `curl | sh`, reverse shells, `rm -rf /`, persistence, and — for shell — command-injection
 * payloads. One finding per rule and line.
 */
export function detectDangerousCode(text: string, opts: { language?: CodeLanguage } = {}): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rulesFor(opts.language)) {
    const re = rule.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const key = `${rule.rule}:${lineStart}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ detector: 'dangerous-code', rule: rule.rule, severity: rule.severity, score: rule.score, start: m.index, end: m.index + m[0].length, evidence: excerpt(text, m.index, m.index + m[0].length) });
    }
  }
  return out.sort((a, b) => a.start - b.start || b.score - a.score);
}
