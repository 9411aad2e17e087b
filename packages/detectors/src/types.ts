/** The detectors; the same names as the policy file's `detect` section. */
export type DetectorName = 'prompt-injection' | 'secrets' | 'pii' | 'canary' | 'exfil-url' | 'dangerous-code';

export const DETECTOR_NAMES: readonly DetectorName[] = ['prompt-injection', 'secrets', 'pii', 'canary', 'exfil-url', 'dangerous-code'];

export type DetectAction = 'off' | 'alert' | 'redact' | 'block';

/** Same shape as one entry of the policy file's `detect` section. */
export type DetectSetting = DetectAction | { action: DetectAction; threshold?: number };

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export type CodeLanguage = 'js' | 'ts' | 'shell' | 'python';

export interface Finding {
  detector: DetectorName;
  /** Stable rule id within the detector, e.g. `aws-access-token`, `override.ignore-previous`. */
  rule: string;
  severity: Severity;
  /** 0..1; for prompt injection, the calibrated probability that the text is an injection. */
  score: number;
  /** UTF-16 offsets into the original text (not the normalized one). */
  start: number;
  end: number;
  /** Already redacted: never the full secret or personal datum. */
  evidence: string;
}

export interface ScanOptions {
  /** Per-detector actions; a detector that is absent (or `off`) does not run. */
  detect?: Partial<Record<DetectorName, DetectSetting>>;
  /** What the text is. Decides nothing by itself today; `code`/`shell` pick a default language. */
  source?: 'input' | 'output' | 'tool-output' | 'code' | 'shell';
  /** Language for `dangerous-code`. */
  language?: CodeLanguage;
  /** For `exfil-url`: hosts for which a URL is not exfiltration (pass net.connect's allow list). */
  isAllowedHost?: (host: string) => boolean;
  /** For `canary`: the tokens to look for. */
  canaries?: readonly string[];
  /**
   * For `prompt-injection` on an input: the system prompt of the same request. The input is then
   * also read against what the system prompt protects (its secrets, the personal data it holds, the
   * topics it forbids). Optional; without it the detector reads the input alone.
   */
  systemPrompt?: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Strongest action of any finding that reached its detector's threshold. */
  action: 'allow' | 'alert' | 'redact' | 'block';
  /** Set when action is `redact`: the text with every finding's span replaced. */
  redacted?: string;
}
