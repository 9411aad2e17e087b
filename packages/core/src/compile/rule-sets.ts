import { TARGET_KIND, type Capability } from '../capabilities.js';
import { CommandRuleSet, type CommandPattern, type CommandTarget, parseCommandPattern, type CommandRuleInput } from './command-pattern.js';
import { EndpointRuleSet, type EndpointPattern, type EndpointTarget, parseEndpointPattern } from './endpoint-pattern.js';
import { NameRuleSet, parseNamePattern } from './name-pattern.js';
import { PathRuleSet, type PathPattern, parsePathPattern } from './path-pattern.js';
import type { PlaceholderValues } from './placeholders.js';
import type { ParseResult, RuleRef } from './rule.js';

export type Target = string | CommandTarget | EndpointTarget;

export interface RuleSet {
  readonly size: number;
  first(target: Target): RuleRef | undefined;
}

type Parsed = PathPattern | RegExp | string | EndpointPattern | CommandPattern;

/** Parses one policy entry for `capability` into the form its rule set indexes. */
export function parseEntry(capability: Capability, entry: CommandRuleInput, values: PlaceholderValues): ParseResult<Parsed> {
  const text = typeof entry === 'string' ? entry : entry.command;
  switch (TARGET_KIND[capability]) {
    case 'path':
      return parsePathPattern(text, values, capability.startsWith('code.'));
    case 'name':
      return parseNamePattern(text);
    case 'endpoint':
      return parseEndpointPattern(text, values, capability as 'net.connect' | 'net.listen');
    case 'command':
      return parseCommandPattern(entry, values);
  }
}

/** A rule set that matches every target: `true` in allow or deny, a flow denying a capability whole. */
export class MatchAll implements RuleSet {
  readonly size = 1;
  constructor(readonly rule: RuleRef) {}
  first(): RuleRef {
    return this.rule;
  }
}

export interface ParsedEntry {
  readonly parsed: Parsed;
  readonly rule: RuleRef;
}

/** Builds the indexed rule set for one capability from parsed entries (already in order). */
export function buildRuleSet(capability: Capability, entries: readonly ParsedEntry[], trustedDirs: ReadonlySet<string> | null): RuleSet {
  switch (TARGET_KIND[capability]) {
    case 'path': {
      const set = new PathRuleSet();
      for (const e of entries) set.add(e.parsed as PathPattern, e.rule);
      return set as RuleSet;
    }
    case 'name': {
      const set = new NameRuleSet();
      for (const e of entries) set.add(e.parsed as RegExp | string, e.rule);
      return set as RuleSet;
    }
    case 'endpoint': {
      const set = new EndpointRuleSet();
      for (const e of entries) set.add(e.parsed as EndpointPattern, e.rule);
      return set as RuleSet;
    }
    case 'command': {
      const set = new CommandRuleSet(trustedDirs);
      for (const e of entries) set.add(e.parsed as CommandPattern, e.rule);
      return set as RuleSet;
    }
  }
}

/** Several rule sets read as one: the lowest-order match of any of them. */
export class UnionRuleSet implements RuleSet {
  readonly size: number;
  constructor(private readonly sets: readonly RuleSet[]) {
    this.size = sets.reduce((n, s) => n + s.size, 0);
  }
  first(target: Target): RuleRef | undefined {
    let best: RuleRef | undefined;
    for (const s of this.sets) {
      const r = s.first(target);
      if (r && (!best || r.order < best.order)) best = r;
    }
    return best;
  }
}
