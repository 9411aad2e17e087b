/**
 * The capabilities a policy governs, and how targets of each are matched.
 * `path` targets are absolute file paths (or pseudo-names such as `binding:fs`),
 * `name` targets are plain names where `*` crosses every character,
 * `command` targets are an executable plus arguments, `endpoint` targets a host and port.
 */
export const CAPABILITIES = [
  'fs.read',
  'fs.write',
  'process.spawn',
  'net.connect',
  'net.listen',
  'code.eval',
  'code.worker',
  'code.native',
  'llm.model',
  'tool.call',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type TargetKind = 'path' | 'name' | 'command' | 'endpoint';

export const TARGET_KIND: Readonly<Record<Capability, TargetKind>> = {
  'fs.read': 'path',
  'fs.write': 'path',
  'process.spawn': 'command',
  'net.connect': 'endpoint',
  'net.listen': 'endpoint',
  'code.eval': 'name',
  'code.worker': 'path',
  'code.native': 'path',
  'llm.model': 'name',
  'tool.call': 'name',
};

const capabilitySet: ReadonlySet<string> = new Set(CAPABILITIES);

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && capabilitySet.has(value);
}

export const MODES = ['enforce', 'monitor', 'learn'] as const;
export type Mode = (typeof MODES)[number];

export const DETECTORS = ['prompt-injection', 'secrets', 'pii', 'canary', 'exfil-url', 'dangerous-code'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const DETECT_ACTIONS = ['off', 'alert', 'redact', 'block'] as const;
export type DetectAction = (typeof DETECT_ACTIONS)[number];

/** `onInternalError`: what happens to an operation when Palisade fails while checking it. */
export const INTERNAL_ERROR_ACTIONS = ['deny', 'allow'] as const;
export type InternalErrorAction = (typeof INTERNAL_ERROR_ACTIONS)[number];

/** The rule a verdict names when Palisade could not check the operation. */
export const INTERNAL_ERROR_RULE = 'internal-error';
