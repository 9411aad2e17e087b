import { CAPABILITIES, type Capability, type Mode } from '../capabilities.js';
import type { CommandRuleInput } from './command-pattern.js';
import { trustedCommandDirs } from './command-pattern.js';
import { type PlaceholderValues, defaultPlaceholders } from './placeholders.js';
import { MatchAll, type ParsedEntry, type RuleSet, UnionRuleSet, buildRuleSet, parseEntry } from './rule-sets.js';
import { nameGlobToRegExp } from './name-pattern.js';
import type { RuleRef } from './rule.js';
import type { FlowRule, Policy, RuleMap, ScopeRule } from '../policy/schema.js';
import { PalisadePolicyError } from '../errors.js';

/** One rule map (allow or deny of the policy, of a scope, of a flow) parsed, per capability. */
export interface Section {
  readonly entries: ReadonlyMap<Capability, readonly ParsedEntry[]>;
  /** Capabilities set to `true` (match all) or `false` (listed, match none). */
  readonly whole: ReadonlyMap<Capability, { readonly value: boolean; readonly rule: RuleRef }>;
}

export interface CompiledScope {
  readonly index: number;
  readonly name: string;
  /** Attribute name to alternatives; each alternative is an exact string or a name glob. */
  readonly match: ReadonlyArray<readonly [string, ReadonlyArray<string | RegExp>]>;
  readonly allow: Section;
  readonly deny: Section;
}

export interface CompiledFlow {
  readonly index: number;
  readonly when: readonly string[];
  readonly deny: Section;
}

export interface PolicyProgram {
  readonly policy: Policy;
  readonly mode: Mode;
  readonly values: PlaceholderValues;
  readonly trustedDirs: ReadonlySet<string>;
  readonly allow: Section;
  readonly deny: Section;
  readonly scopes: readonly CompiledScope[];
  readonly flows: readonly CompiledFlow[];
  /** `spawn.env`: names of code-injecting variables a child may be given. */
  readonly spawnEnv: readonly RegExp[];
  /** Per capability, the labels an allowed operation applies, each with its rule set. */
  readonly trust: ReadonlyMap<Capability, ReadonlyArray<{ readonly label: string; readonly set: RuleSet }>>;
}

export interface CompileOptions {
  readonly values?: PlaceholderValues;
  readonly trustedDirs?: ReadonlySet<string>;
  readonly source?: string;
}

class OrderCounter {
  next = 0;
}

function compileSection(
  map: RuleMap | undefined,
  prefix: string,
  values: PlaceholderValues,
  counter: OrderCounter,
  problems: string[],
  wholeNote: (cap: Capability, value: boolean) => string,
): Section {
  const entries = new Map<Capability, ParsedEntry[]>();
  const whole = new Map<Capability, { value: boolean; rule: RuleRef }>();
  if (!map) return { entries, whole };
  for (const cap of CAPABILITIES) {
    const value = map[cap];
    if (value === undefined) continue;
    const id = `${prefix}.${cap}`;
    if (typeof value === 'boolean') {
      whole.set(cap, { value, rule: { order: counter.next++, id, text: String(value), note: wholeNote(cap, value) } });
      continue;
    }
    const list: ParsedEntry[] = [];
    value.forEach((entry, i) => {
      const parsed = parseEntry(cap, entry as CommandRuleInput, values);
      const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
      if (!parsed.ok) problems.push(`${id}[${i}]: ${JSON.stringify(text)}: ${parsed.error}`);
      else list.push({ parsed: parsed.value, rule: { order: counter.next++, id: `${id}[${i}]`, text } });
    });
    entries.set(cap, list);
  }
  return { entries, whole };
}

const allowNote = (cap: Capability, value: boolean) => (value ? `${cap} is allowed` : `${cap} is not allowed`);
const denyNote = (cap: Capability, value: boolean) => (value ? `${cap} is denied` : `${cap} is not denied`);

function compileMatch(match: ScopeRule['match']): CompiledScope['match'] {
  return Object.entries(match).map(([key, v]) => {
    const alternatives = (Array.isArray(v) ? v : [v]).map((p) => (/[*?]/.test(p) ? nameGlobToRegExp(p) : p));
    return [key, alternatives] as const;
  });
}

function flowSection(flow: FlowRule, index: number, values: PlaceholderValues, counter: OrderCounter, problems: string[]): Section {
  const name = flow.name ? `flow "${flow.name}"` : `flows[${index}]`;
  const note = () => `${name}: the scope is labelled ${flow.when.join(' and ')}`;
  if (Array.isArray(flow.deny)) {
    const map: RuleMap = {};
    for (const cap of flow.deny) map[cap] = true;
    const section = compileSection(map, `flows[${index}].deny`, values, counter, problems, note);
    // A whole-capability flow deny is reported as the flow itself.
    const whole = new Map([...section.whole].map(([cap, w]) => [cap, { ...w, rule: { ...w.rule, id: `flows[${index}]` } }]));
    return { entries: section.entries, whole };
  }
  return compileSection(flow.deny, `flows[${index}].deny`, values, counter, problems, note);
}

/** Turns a validated policy into matchers. Throws PalisadePolicyError listing every entry that does not parse. */
export function compilePolicy(policy: Policy, options: CompileOptions = {}): PolicyProgram {
  const values = options.values ?? defaultPlaceholders();
  const trustedDirs = options.trustedDirs ?? trustedCommandDirs();
  const counter = new OrderCounter();
  const problems: string[] = [];
  const deny = compileSection(policy.deny, 'deny', values, counter, problems, denyNote);
  const allow = compileSection(policy.allow, 'allow', values, counter, problems, allowNote);
  const scopes = (policy.scopes ?? []).map((s, index): CompiledScope => ({
    index,
    name: s.name ?? `scopes[${index}]`,
    match: compileMatch(s.match),
    deny: compileSection(s.deny, `scopes[${index}].deny`, values, counter, problems, denyNote),
    allow: compileSection(s.allow, `scopes[${index}].allow`, values, counter, problems, allowNote),
  }));
  const flows = (policy.flows ?? []).map((f, index) => ({ index, when: f.when, deny: flowSection(f, index, values, counter, problems) }));
  const trust = new Map<Capability, Array<{ label: string; set: RuleSet }>>();
  for (const [label, map] of Object.entries(policy.trust ?? {})) {
    const section = compileSection(map, `trust.${label}`, values, counter, problems, () => `trust.${label}`);
    for (const cap of CAPABILITIES) {
      const set = sectionRuleSet(cap, [section], null);
      if (!set) continue;
      const list = trust.get(cap) ?? [];
      list.push({ label, set });
      trust.set(cap, list);
    }
  }
  if (problems.length > 0) throw new PalisadePolicyError(options.source ?? 'policy', problems);
  const spawnEnv = (policy.spawn?.env ?? []).map((n) => nameGlobToRegExp(n));
  return { policy, mode: policy.mode ?? 'enforce', values, trustedDirs, allow, deny, scopes, flows, trust, spawnEnv };
}

/**
 * The rule set a capability has across sections, or undefined when no section
 * mentions it. `true` anywhere matches all; `false` contributes nothing but
 * still counts as a mention (so an allow list of `false` denies everything).
 */
/**
 * `trustedDirs` applies to bare command names in allow lists; pass null for
 * deny and trust rules, where `curl` means curl wherever it lives.
 */
export function sectionRuleSet(cap: Capability, sections: readonly Section[], trustedDirs: ReadonlySet<string> | null): RuleSet | undefined {
  const sets: RuleSet[] = [];
  let mentioned = false;
  for (const s of sections) {
    const w = s.whole.get(cap);
    if (w) {
      mentioned = true;
      if (w.value) sets.push(new MatchAll(w.rule));
    }
    const entries = s.entries.get(cap);
    if (entries) {
      mentioned = true;
      if (entries.length > 0) sets.push(buildRuleSet(cap, entries, trustedDirs));
    }
  }
  if (!mentioned) return undefined;
  if (sets.length === 1) return sets[0];
  return new UnionRuleSet(sets);
}

/** The `false` entry that made an empty allow list, for the verdict's rule name. */
export function wholeFalse(cap: Capability, sections: readonly Section[]): RuleRef | undefined {
  for (const s of sections) {
    const w = s.whole.get(cap);
    if (w && !w.value) return w.rule;
  }
  return undefined;
}
