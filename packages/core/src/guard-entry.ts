/**
 * `@palisade/core/guard`: the policy compiler and guard alone, without
 * validation (zod), YAML, recording or OpenTelemetry — for places that need
 * decisions on an already validated policy at the lowest start-up cost (Node's
 * module loader thread).
 */
export { compilePolicy } from './compile/compile.js';
export { Guard } from './guard/guard.js';
export { moduleReadMayPass } from './guard/module-read.js';
export { PalisadeDeniedError } from './errors.js';
export type { PlaceholderValues } from './compile/placeholders.js';
export type { Verdict } from './guard/verdict.js';
export type { Policy } from './policy/schema.js';
