import { PalisadeDeniedError, activeRuntime, currentScope } from '@palisade/core';
import { detectors } from '@palisade/llm';
import type { CodeInspector } from '@palisade/node';

/**
 * Runs the dangerous-code detector on source the code sensors are about to
 * compile (vm, eval, Function, eval workers), as the policy's
 * `detect["dangerous-code"]` says: findings are recorded, and `block` (in
 * enforce mode) refuses the compile. Off unless the policy turns it on.
 */
export const inspectCode: CodeInspector = (code) => {
  const rt = activeRuntime();
  const setting = rt?.policy.detect?.['dangerous-code'];
  if (!rt || setting === undefined || setting === 'off') return undefined;
  const result = detectors().scan(code.source, { detect: { 'dangerous-code': setting }, source: 'code', language: 'js' });
  if (result.findings.length === 0) return undefined;
  const blocking = result.action === 'block' && rt.mode === 'enforce';
  const action = blocking ? 'block' : 'alert';
  for (const f of result.findings) {
    rt.recorder.recordDetection(
      { detector: f.detector, rule: f.rule, action, severity: f.severity, score: f.score, source: code.capability, target: code.target, api: code.api, evidence: f.evidence },
      currentScope(),
    );
  }
  if (!blocking) return undefined;
  const first = result.findings[0]!;
  return new PalisadeDeniedError(code.capability, code.target, `detect.dangerous-code:${first.rule}`, `dangerous generated code: ${first.rule} (${first.evidence})`);
};
