import { markInternalDir } from './record/stack.js';

// This module's own directory (dist/ or src/): the package's tests and examples are application code.
markInternalDir(new URL('.', import.meta.url));

export * from './capabilities.js';
export * from './errors.js';
export { init, shutdown, run, tool, label, labels, scope, on, off, check, enforce, stats, flush } from './api.js';
export type { InitOptions, CheckInput } from './api.js';
export { Runtime, activeRuntime, deniedError } from './runtime.js';
export type { Verdict, Action } from './guard/verdict.js';
export type { Operation } from './guard/operation.js';
export { Guard } from './guard/guard.js';
export { PolicyView, displayCommand, displayEndpoint } from './guard/policy-view.js';
export { compilePolicy } from './compile/compile.js';
export type { CommandTarget } from './compile/command-pattern.js';
export type { EndpointTarget } from './compile/endpoint-pattern.js';
export { normalizeHost, parseLooseIPv4, parseIP, formatEndpoint } from './compile/host.js';
export { NAMED_SETS } from './compile/ip-sets.js';
export { defaultPlaceholders, type PlaceholderValues } from './compile/placeholders.js';
export { PolicySchema, policyJsonSchema } from './policy/schema.js';
export type { Policy, RuleMap, FlowRule, ScopeRule, DetectSettings, TelemetrySettings, LlmSettings } from './policy/schema.js';
export { TOOL_ARG_CAPABILITIES } from './policy/schema.js';
export { loadPolicy, parsePolicy, readPolicyFile, validatePolicy, findPolicyFile, POLICY_FILE_NAMES } from './policy/load.js';
export type { LoadedPolicy, LoadOptions } from './policy/load.js';
export { RECOMMENDED_POLICY } from './policy/preset.js';
export { Scope, currentScope, scopeStorage } from './context/scope.js';
export type { ScopeAttributes } from './context/scope.js';
export type { DecisionRecord, DetectionRecord, ScopeSnapshot } from './record/decision-record.js';
export type { DecisionListener, DetectionListener, InternalErrorListener, RecorderStats } from './record/recorder.js';
export { snapshotScope } from './record/recorder.js';
export { AuditLog } from './record/audit-log.js';
export { verifyAuditLog } from './record/verify-audit.js';
export type { AuditVerification, AuditProblem } from './record/verify-audit.js';
export { setFallbackTracerProvider, tracingSuppressed, runSuppressed, tracer, verdictAttributes } from './record/otel.js';
export { markInternalDir, internalDirs, captureAppFrames, type StackFrame } from './record/stack.js';
export * as semconv from './record/semconv.js';
export { VERSION } from './version.js';
export { wrap, originalOf, isWrapped, unwrapAll } from './wrap.js';
