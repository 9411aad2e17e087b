import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { CAPABILITIES, DETECT_ACTIONS, DETECTORS, INTERNAL_ERROR_ACTIONS, MODES, TARGET_KIND, type Capability } from '../capabilities.js';
import { parseCommandPattern, type CommandRuleInput } from '../compile/command-pattern.js';
import { parseEndpointPattern } from '../compile/endpoint-pattern.js';
import { parseNamePattern } from '../compile/name-pattern.js';
import { parsePathPattern } from '../compile/path-pattern.js';
import { PLACEHOLDER_NAMES, defaultPlaceholders, unknownPlaceholders } from '../compile/placeholders.js';

/**
 * The policy file contract. This zod schema is the single source of truth: the
 * loader validates with it, the compiler reads its output type, and
 * `policy.schema.json` is generated from it. zod (and building the schema)
 * costs tens of milliseconds, so both happen on first use: a process whose
 * policy was validated before (see validate-cache.ts) never loads them.
 */

const SYNTAX_CHECK_VALUES = defaultPlaceholders('/');

/** Why `text` is not a valid entry for `capability`, or null. */
export function patternProblem(capability: Capability, entry: CommandRuleInput): string | null {
  const text = typeof entry === 'string' ? entry : entry.command;
  const unknown = unknownPlaceholders(text);
  if (unknown.length > 0) {
    return `unknown placeholder ${unknown[0]}: expected ${PLACEHOLDER_NAMES.map((n) => `\${${n}}`).join(', ')}`;
  }
  const v = SYNTAX_CHECK_VALUES;
  let r: { ok: boolean; error?: string };
  switch (TARGET_KIND[capability]) {
    case 'path':
      r = parsePathPattern(text, v, capability.startsWith('code.'));
      break;
    case 'name':
      r = parseNamePattern(text);
      break;
    case 'endpoint':
      r = parseEndpointPattern(text, v);
      break;
    case 'command':
      r = parseCommandPattern(entry, v);
      break;
  }
  return r.ok ? null : r.error!;
}

/** Capabilities whose rules a tool call's argument can be held to (`llm.toolCalls.args`). */
export const TOOL_ARG_CAPABILITIES = ['fs.read', 'fs.write', 'net.connect'] as const;

// CommonJS zod loads synchronously on every supported Node (init() is synchronous).
const requireZod = () => (createRequire(import.meta.url)('zod') as typeof import('zod')).z;

function build(z: typeof Zod) {
  const checked = <T extends Zod.ZodType<CommandRuleInput>>(capability: Capability, schema: T) =>
    schema.superRefine((value, ctx) => {
      if (value === '') return; // already reported once by min(1)
      const problem = patternProblem(capability, value as CommandRuleInput);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

  const commandObject = z.strictObject({
    command: z.string().describe('Program name or absolute path (globs allowed in paths)'),
    args: z.array(z.string()).optional().describe('Argument patterns, position by position; "**" matches any number'),
  });

  function entrySchema(capability: Capability) {
    const text = z.string().min(1, 'must not be empty');
    if (TARGET_KIND[capability] === 'command') return checked(capability, z.union([text, commandObject]));
    return checked(capability, text);
  }

  const ENTRY_HELP: Record<string, string> = {
    path: 'path globs (picomatch); ${cwd}, ${home}, ${tmp} expand; relative patterns are taken against ${cwd}',
    name: 'names; * matches any characters',
    endpoint: 'host:port patterns: names, *.suffix, IPs, CIDRs, @metadata, @private, @loopback, @link-local; port number, * or range',
    command: 'commands: a program name or absolute path, optionally followed by argument patterns',
  };

  function ruleValue(capability: Capability) {
    return z
      .union([z.boolean(), z.array(entrySchema(capability))])
      .describe(`true, false, or a list of ${ENTRY_HELP[TARGET_KIND[capability]]}`);
  }

  function ruleMapSchema() {
    const shape = Object.fromEntries(CAPABILITIES.map((c) => [c, ruleValue(c).optional()])) as {
      [K in Capability]: Zod.ZodOptional<ReturnType<typeof ruleValue>>;
    };
    return z.strictObject(shape);
  }

  const RuleMapSchema = ruleMapSchema();

  const label = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'labels are letters, digits, _ . - and start with a letter');

  const detectorSetting = z.union([
    z.enum(DETECT_ACTIONS),
    z.strictObject({
      action: z.enum(DETECT_ACTIONS),
      threshold: z.number().min(0).max(1).optional().describe('Score from which a finding counts (0..1)'),
    }),
  ]);

  const DetectSchema = z.strictObject(
    Object.fromEntries(DETECTORS.map((d) => [d, detectorSetting.optional()])) as {
      [K in (typeof DETECTORS)[number]]: Zod.ZodOptional<typeof detectorSetting>;
    },
  );

  const FlowSchema = z.strictObject({
    name: z.string().optional(),
    when: z.array(label).min(1).describe('Labels that must all be on the current scope'),
    deny: z
      .union([z.array(z.enum(CAPABILITIES)), RuleMapSchema])
      .describe('Capabilities denied whole, or a map of capability to denied patterns'),
  });

  const matchValue = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

  const ScopeSchema = z.strictObject({
    name: z.string().optional(),
    match: z
      .record(z.string(), matchValue)
      .refine((m) => Object.keys(m).length > 0, 'match needs at least one key (tool, agent, user, or a run attribute)')
      .describe('Scope attributes to match; values are name patterns (* matches anything)'),
    allow: RuleMapSchema.optional(),
    deny: RuleMapSchema.optional(),
  });

  const AuditSchema = z.union([
    z.literal(false),
    z.strictObject({
      path: z.string().min(1).describe('JSONL file; ${cwd}, ${home}, ${tmp} expand'),
      fsync: z.boolean().optional().describe('fsync after each deny (durable across power loss, slower)'),
    }),
  ]);

  const TelemetrySchema = z.strictObject({
    spans: z.enum(['off', 'decisions', 'all']).optional().describe('What becomes a span: nothing, denies and alerts, or every checked operation'),
    as: z.enum(['span', 'event']).optional().describe('Record decisions as their own spans or as events on the active span'),
    stacktrace: z.boolean().optional().describe('Attach code.stacktrace to recorded decisions'),
    content: z.boolean().optional().describe('Include prompt and completion content (after redaction)'),
  });

  const SpawnSchema = z.strictObject({
    env: z
      .array(z.string().min(1))
      .optional()
      .describe('Code-injecting environment variables (NODE_OPTIONS, LD_PRELOAD, DYLD_*, …) a child process may be given; names or globs'),
    propagate: z.boolean().optional().describe('Child Node processes run with Palisade preloaded and this policy (default true)'),
  });

  const LlmSchema = z.strictObject({
    toolCalls: z
      .strictObject({
        onDeny: z
          .enum(['remove', 'block'])
          .optional()
          .describe('A tool call the model proposes that the policy denies: removed from the response (default), or the whole response blocked'),
        args: z
          .record(z.string().min(1), z.record(z.string().min(1), z.enum(TOOL_ARG_CAPABILITIES)))
          .optional()
          .describe('Per tool, arguments (dot paths for nested ones) whose values must pass a capability\'s rules, e.g. {"read_file": {"path": "fs.read"}}'),
      })
      .optional(),
  });

  const PolicySchema = z.strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    mode: z.enum(MODES).optional().describe('enforce blocks; monitor only records; learn records and keeps every allowed operation'),
    onInternalError: z
      .enum(INTERNAL_ERROR_ACTIONS)
      .optional()
      .describe('When Palisade itself fails while checking an operation: deny it (fail closed) or let it proceed (fail open); the fault is recorded either way. Default: deny in enforce mode, allow in monitor and learn'),
    allow: RuleMapSchema.optional().describe('A capability listed here allows only what matches; an absent one is allowed'),
    deny: RuleMapSchema.optional().describe('Always wins over allow'),
    detect: DetectSchema.optional(),
    trust: z
      .record(label, RuleMapSchema)
      .optional()
      .describe('Labels that an allowed operation puts on its run, e.g. {"untrusted": {"tool.call": ["web_fetch"]}}'),
    flows: z.array(FlowSchema).optional(),
    scopes: z.array(ScopeSchema).optional(),
    spawn: SpawnSchema.optional(),
    audit: AuditSchema.optional(),
    telemetry: TelemetrySchema.optional(),
    llm: LlmSchema.optional().describe('How the LLM client sensors treat what models propose'),
  });
  return { PolicySchema, RuleMapSchema, FlowSchema, ScopeSchema, DetectSchema, TelemetrySchema, LlmSchema, SpawnSchema, z };
}

type Schemas = ReturnType<typeof build>;
let schemas: Schemas | undefined;

/** The zod schemas, built on first use. */
export function policySchemas(): Schemas {
  return (schemas ??= build(requireZod()));
}

/** The zod schema of a whole policy. */
export function policySchema(): Schemas['PolicySchema'] {
  return policySchemas().PolicySchema;
}

type Infer<T> = Zod.infer<T & Zod.ZodType>;
export type Policy = Infer<Schemas['PolicySchema']>;
export type RuleMap = Infer<Schemas['RuleMapSchema']>;
export type RuleValue = NonNullable<RuleMap[Capability]>;
export type FlowRule = Infer<Schemas['FlowSchema']>;
export type ScopeRule = Infer<Schemas['ScopeSchema']>;
export type DetectSettings = Infer<Schemas['DetectSchema']>;
export type TelemetrySettings = Infer<Schemas['TelemetrySchema']>;
export type LlmSettings = Infer<Schemas['LlmSchema']>;
export type SpawnSettings = Infer<Schemas['SpawnSchema']>;

/** JSON Schema for editors, generated from the zod schema. */
export function policyJsonSchema(): Record<string, unknown> {
  const { z, PolicySchema } = policySchemas();
  const schema = z.toJSONSchema(PolicySchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    title: 'Palisade policy',
    ...schema,
  };
}
