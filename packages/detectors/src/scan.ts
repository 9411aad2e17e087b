import { detectCanaries } from './canary.js';
import { detectDangerousCode } from './dangerous-code/index.js';
import { detectExfilUrls } from './exfil-url.js';
import { detectPII } from './pii/index.js';
import { detectPromptInjection } from './prompt-injection/index.js';
import { detectSecrets } from './secrets/index.js';
import type { CodeLanguage, DetectAction, DetectSetting, DetectorName, Finding, ScanOptions, ScanResult } from './types.js';
import { DETECTOR_NAMES } from './types.js';

/** Score from which a finding acts when the policy gives no threshold. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DetectorName, number>> = {
  'prompt-injection': 0.5,
  secrets: 0.5,
  pii: 0.5,
  canary: 0.5,
  'exfil-url': 0.5,
  'dangerous-code': 0.5,
};

const RANK: Record<ScanResult['action'], number> = { allow: 0, alert: 1, redact: 2, block: 3 };

function settingOf(s: DetectSetting | undefined): { action: DetectAction; threshold: number | undefined } {
  if (s === undefined) return { action: 'off', threshold: undefined };
  if (typeof s === 'string') return { action: s, threshold: undefined };
  return { action: s.action, threshold: s.threshold };
}

function languageFor(options: ScanOptions): CodeLanguage | undefined {
  return options.language ?? (options.source === 'shell' ? 'shell' : undefined);
}

/**
 * Runs the detectors the `detect` settings turn on (absent or `off` = not run), keeps the findings
 * that reach each detector's threshold, and returns the strongest action among them. With action
 * `redact`, `redacted` holds the text with the findings of every redact-or-block detector replaced.
 */
export function scan(text: string, options: ScanOptions): ScanResult {
  const findings: Finding[] = [];
  let action: ScanResult['action'] = 'allow';
  const redactable: Finding[] = [];
  for (const name of DETECTOR_NAMES) {
    const { action: act, threshold } = settingOf(options.detect?.[name]);
    if (act === 'off') continue;
    const min = threshold ?? DEFAULT_THRESHOLDS[name];
    let found: Finding[];
    switch (name) {
      case 'prompt-injection':
        found = detectPromptInjection(text, { threshold: min, ...(options.source ? { source: options.source } : {}), ...(options.systemPrompt !== undefined ? { systemPrompt: options.systemPrompt } : {}) });
        break;
      case 'secrets':
        found = detectSecrets(text);
        break;
      case 'pii':
        found = detectPII(text);
        break;
      case 'canary':
        found = options.canaries && options.canaries.length > 0 ? detectCanaries(text, options.canaries) : [];
        break;
      case 'exfil-url':
        found = detectExfilUrls(text, options.isAllowedHost ? { isAllowedHost: options.isAllowedHost } : {});
        break;
      case 'dangerous-code': {
        const language = languageFor(options);
        found = detectDangerousCode(text, language ? { language } : {});
        break;
      }
    }
    for (const f of found) {
      if (f.score < min) continue;
      findings.push(f);
      if (RANK[act] > RANK[action]) action = act;
      if (act === 'redact' || act === 'block') redactable.push(f);
    }
  }
  findings.sort((a, b) => a.start - b.start);
  const result: ScanResult = { findings, action };
  if (action === 'redact') result.redacted = redact(text, redactable);
  return result;
}

const LABEL: Record<DetectorName, string> = {
  'prompt-injection': 'prompt-injection',
  secrets: 'secret',
  pii: 'pii',
  canary: 'canary',
  'exfil-url': 'url',
  'dangerous-code': 'code',
};

/** Replaces each finding's span with `[REDACTED:<kind>]` (`secret`, `pii`, `canary`, `url`, `code`, `prompt-injection`); overlapping spans merge. */
export function redact(text: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return text;
  const spans = findings
    .filter((f) => f.end > f.start && f.start >= 0 && f.end <= text.length)
    .map((f) => ({ start: f.start, end: f.end, label: LABEL[f.detector] }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  let cur: { start: number; end: number; label: string } | undefined;
  for (const s of spans) {
    if (cur && s.start < cur.end) {
      if (s.end > cur.end) cur.end = s.end;
      continue;
    }
    if (cur) {
      out += `${text.slice(pos, cur.start)}[REDACTED:${cur.label}]`;
      pos = cur.end;
    }
    cur = { ...s };
  }
  if (cur) {
    out += `${text.slice(pos, cur.start)}[REDACTED:${cur.label}]`;
    pos = cur.end;
  }
  return out + text.slice(pos);
}
