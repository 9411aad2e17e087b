import type { Finding as DetectorFinding } from '@palisade/detectors';
import { detectors } from '../detectors.js';
import type { Runtime } from '@palisade/core';

/** The detectors as the guards use them: findings with the action the policy (and mode) gives each. */
export interface Finding {
  readonly detector: string;
  readonly rule: string;
  readonly severity: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
  readonly evidence: string;
}

export type FindingAction = 'alert' | 'redact' | 'block';

export interface ActedFinding extends Finding {
  /** What the guard does about it (monitor and learn modes turn redact and block into alert). */
  readonly action: FindingAction;
  /** What the policy asks for, before the mode applies. */
  readonly policyAction: FindingAction;
}

export type TextSource = 'input' | 'output' | 'tool-output';

type DetectSetting = string | { action: string; threshold?: number | undefined };

/** Characters a stream guard may hold at most: the detectors' longest match. */
export function holdBackLimit(): number {
  return detectors().MAX_HOLD_BACK;
}

const labels = new Map<string, string>();

/** The detectors' redaction marker for a finding of this detector, e.g. `[REDACTED:secret]`. */
export function redactionLabel(detector: string): string {
  let label = labels.get(detector);
  if (label === undefined) {
    label = detectors().redact('x', [{ detector, rule: '', severity: 'low', score: 1, start: 0, end: 1, evidence: '' } as DetectorFinding]);
    labels.set(detector, label);
  }
  return label;
}

/** Canary tokens (the detectors' `pcn-…` format) a request carries: the ones its response must not repeat. */
const CANARY = /\bpcn-(?:[a-z0-9-]{1,24}-)?[0-9a-f]{16}\b/gi;

const CANARY_HINT = /pcn-/i;

export function canariesIn(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  // matchAll copies the expression per call: only for a text that can hold a canary at all.
  for (const t of texts) if (CANARY_HINT.test(t)) for (const m of t.matchAll(CANARY)) out.add(m[0]);
  return [...out];
}

function settingOf(detect: Record<string, DetectSetting | undefined>, detector: string): { action: string; threshold?: number | undefined } | undefined {
  const s = detect[detector];
  if (s === undefined) return undefined;
  return typeof s === 'string' ? { action: s } : s;
}

// Per policy object (a reload makes a new one): asked on every guarded call.
const activeByPolicy = new WeakMap<object, Record<string, DetectSetting> | null>();

/** The detect settings with at least one detector on, or undefined when none is. */
export function activeDetect(rt: Runtime): Record<string, DetectSetting> | undefined {
  const policy = rt.policy as object;
  let active = activeByPolicy.get(policy);
  if (active === undefined) activeByPolicy.set(policy, (active = detectorsOn(rt.policy.detect as Record<string, DetectSetting | undefined> | undefined) ?? null));
  return active ?? undefined;
}

function detectorsOn(detect: Record<string, DetectSetting | undefined> | undefined): Record<string, DetectSetting> | undefined {
  if (!detect) return undefined;
  let any = false;
  const out: Record<string, DetectSetting> = {};
  for (const [k, v] of Object.entries(detect)) {
    if (v === undefined) continue;
    out[k] = v;
    if ((typeof v === 'string' ? v : v.action) !== 'off') any = true;
  }
  return any ? out : undefined;
}

/**
 * A text scanner bound to the policy of the moment: which detectors run,
 * their thresholds and actions, and the hosts that are not exfiltration.
 */
export interface Scanner {
  scan(text: string): ActedFinding[];
}

function allowedHostCheck(rt: Runtime): ((host: string) => boolean) | undefined {
  const allow = rt.policy.allow?.['net.connect'];
  if (!Array.isArray(allow)) return undefined;
  const view = rt.view();
  return (host: string) => {
    try {
      return view.checkEndpoint('net.connect', { host: host.toLowerCase().replace(/\.$/, ''), port: null }).action === 'allow';
    } catch {
      return false;
    }
  };
}

/**
 * Detectors for text that goes into a model (all configured ones) and text
 * that comes out (all but prompt injection, which is about instructions
 * reaching a model: a response that quotes one is not an attack on the app).
 */
function forSource(detect: Record<string, DetectSetting> | undefined, source: TextSource): Record<string, DetectSetting> | undefined {
  if (!detect || source !== 'output' || detect['prompt-injection'] === undefined) return detect;
  const { 'prompt-injection': _, ...rest } = detect;
  return Object.values(rest).some((v) => (typeof v === 'string' ? v : v.action) !== 'off') ? rest : undefined;
}

export interface ScannerOptions {
  readonly source: TextSource;
  /** Monitor and learn modes only alert. */
  readonly enforce: boolean;
  readonly isAllowedHost?: ((host: string) => boolean) | undefined;
  readonly canaries?: readonly string[] | undefined;
  /** The request's system prompt, context for the prompt-injection detector. */
  readonly systemPrompt?: string | undefined;
}

/** A scanner for these detect settings (what the guards and their tests use). */
export function scannerFor(detectSettings: Record<string, DetectSetting>, opts: ScannerOptions): Scanner | undefined {
  const detect = forSource(detectSettings, opts.source);
  if (!detect) return undefined;
  const { scan } = detectors();
  const options: Parameters<typeof scan>[1] = { detect: detect as NonNullable<Parameters<typeof scan>[1]['detect']>, source: opts.source };
  if (opts.isAllowedHost) options.isAllowedHost = opts.isAllowedHost;
  if (opts.canaries && opts.canaries.length > 0) options.canaries = opts.canaries;
  if (opts.systemPrompt) options.systemPrompt = opts.systemPrompt;
  return {
    scan(text: string): ActedFinding[] {
      if (text.length === 0) return [];
      const out: ActedFinding[] = [];
      for (const f of scan(text, options).findings) {
        const s = settingOf(detect, f.detector);
        if (!s || s.action === 'off') continue;
        if (s.threshold !== undefined && f.score < s.threshold) continue;
        const policyAction = s.action as FindingAction;
        out.push({ ...extend(f, text), policyAction, action: opts.enforce ? policyAction : 'alert' });
      }
      return out;
    },
  };
}

export function makeScanner(
  rt: Runtime,
  source: TextSource,
  detectOverride?: Record<string, DetectSetting>,
  canaries?: readonly string[],
  systemPrompt?: string,
): Scanner | undefined {
  const detect = detectOverride ?? activeDetect(rt);
  if (!detect) return undefined;
  return scannerFor(detect, { source, enforce: rt.mode === 'enforce', isAllowedHost: allowedHostCheck(rt), canaries, systemPrompt });
}

/**
 * A private key is found by its header line; what must not get through is
 * the key itself, so the finding reaches to the matching END line when the
 * text has it.
 */
function extend(f: Finding, text: string): Finding {
  if (f.detector !== 'secrets' || !/private-key/.test(f.rule)) return f;
  const end = text.indexOf('-----END', f.end);
  if (end < 0 || end - f.end > 16384) return f;
  const close = text.indexOf('-----', end + 8);
  return { ...f, end: close < 0 ? text.length : close + 5 };
}

/** Replaces each span with the detectors' marker (`[REDACTED:secret]`, …); overlapping spans merge under the first one's label. */
export function applyRedactions(text: string, spans: ReadonlyArray<{ start: number; end: number; detector: string }>): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  let cur: { start: number; end: number; detector: string } | undefined;
  for (const s of sorted) {
    if (cur && s.start < cur.end) {
      if (s.end > cur.end) cur = { ...cur, end: s.end };
      continue;
    }
    if (cur) {
      out += redactionLabel(cur.detector);
      pos = cur.end;
    }
    out += text.slice(pos, s.start);
    cur = { start: s.start, end: s.end, detector: s.detector };
  }
  if (cur) {
    out += redactionLabel(cur.detector);
    pos = cur.end;
  }
  return out + text.slice(pos);
}
