import { KeywordAutomaton } from '../util/aho-corasick.js';
import { shannonEntropy } from '../util/entropy.js';
import { assertBounded, regexBound } from '../util/regex-bound.js';
import type { Severity } from '../types.js';

/** A secret rule in the form both the generated gitleaks rules and Palisade's own rules take. */
export interface SecretRuleSpec {
  readonly id: string;
  readonly keywords: readonly string[];
  /** JavaScript regex source without flags; every quantifier bounded. */
  readonly source: string;
  /** Defaults to the bound computed from the source. */
  readonly maxLen?: number;
  /** Every match contains one of the keywords (the rule runs only around keyword hits). */
  readonly anchored: boolean;
  readonly secretGroup?: number;
  readonly entropy?: number;
  readonly allow?: readonly { readonly target: 'secret' | 'match'; readonly patterns: readonly string[]; readonly stopwords: readonly string[] }[];
  readonly severity?: Severity;
  /** Extra check on the secret and the whole match (e.g. a decoded payload, a placeholder filter). */
  readonly validate?: (secret: string, match: string) => boolean;
}

interface CompiledRule {
  readonly spec: SecretRuleSpec;
  readonly re: RegExp;
  readonly maxLen: number;
  readonly allow: readonly { target: 'secret' | 'match'; res: readonly RegExp[]; stopwords: readonly string[] }[];
}

export interface RawSecretMatch {
  readonly rule: SecretRuleSpec;
  /** Span of the secret (the capture group, or the whole match). */
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

/**
 * Runs keyword-prefiltered, bounded regex rules over a text in O(n): one Aho–Corasick pass finds
 * the keyword hits; each rule then runs only in windows of its maximum match length around its
 * hits (or, for rules whose matches need not contain a keyword, once over the text when a keyword
 * occurs). Windows are sliced with one character of context on each side, so `\b`, `^` and `$`
 * see the real neighbours.
 */
export class SecretEngine {
  private readonly rules: CompiledRule[];
  private readonly automaton: KeywordAutomaton;
  private readonly rulesByKeyword: number[][];
  private readonly globalAllow: readonly RegExp[];
  private readonly globalStopwords: readonly string[];

  constructor(specs: readonly SecretRuleSpec[], globalAllow: readonly string[], globalStopwords: readonly string[]) {
    this.rules = specs.map((spec) => {
      const bound = regexBound(spec.source).maxLen;
      if (bound === Infinity) throw new Error(`secret rule ${spec.id}: unbounded pattern`);
      return {
        spec,
        re: new RegExp(spec.source, 'dg'),
        maxLen: spec.maxLen ?? bound,
        allow: (spec.allow ?? []).map((a) => ({ target: a.target, res: a.patterns.map((p) => assertBounded(new RegExp(p))), stopwords: a.stopwords })),
      };
    });
    const keywordIndex = new Map<string, number>();
    const rulesByKeyword: number[][] = [];
    this.rules.forEach((r, ri) => {
      for (const k of r.spec.keywords) {
        let ki = keywordIndex.get(k);
        if (ki === undefined) {
          ki = keywordIndex.size;
          keywordIndex.set(k, ki);
          rulesByKeyword.push([]);
        }
        rulesByKeyword[ki]!.push(ri);
      }
    });
    this.rulesByKeyword = rulesByKeyword;
    this.automaton = new KeywordAutomaton([...keywordIndex.keys()]);
    this.globalAllow = globalAllow.map((p) => assertBounded(new RegExp(p)));
    this.globalStopwords = globalStopwords;
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Longest match any rule can need to see whole. */
  maxMatchLength(except?: ReadonlySet<string>): number {
    return Math.max(...this.rules.filter((r) => !except?.has(r.spec.id)).map((r) => r.maxLen));
  }

  scan(text: string): RawSecretMatch[] {
    const n = text.length;
    // per rule: merged windows [start, end)
    const regions = new Map<number, number[]>();
    this.automaton.search(text, (k, pos) => {
      for (const ri of this.rulesByKeyword[k]!) {
        const rule = this.rules[ri]!;
        let list = regions.get(ri);
        if (list === undefined) {
          list = [];
          regions.set(ri, list);
        }
        if (!rule.spec.anchored) {
          if (list.length === 0) list.push(0, n);
          continue;
        }
        const s = Math.max(0, pos - rule.maxLen - 1);
        const e = Math.min(n, pos + rule.maxLen + 2);
        const last = list.length - 2;
        if (last >= 0 && s <= list[last + 1]!) {
          if (s < list[last]!) list[last] = s;
          if (e > list[last + 1]!) list[last + 1] = e;
        } else list.push(s, e);
      }
    });
    const found: RawSecretMatch[] = [];
    for (const [ri, list] of regions) {
      const rule = this.rules[ri]!;
      for (let j = 0; j < list.length; j += 2) this.runRegion(text, rule, list[j]!, list[j + 1]!, found);
    }
    return found;
  }

  private runRegion(text: string, rule: CompiledRule, rs: number, re: number, found: RawSecretMatch[]): void {
    const n = text.length;
    const slice = rs === 0 && re === n ? text : text.slice(rs, re);
    const rx = rule.re;
    // the first character is context only: it lets \b and ^ see the real text
    rx.lastIndex = rs > 0 ? 1 : 0;
    for (;;) {
      let m = rx.exec(slice);
      if (m === null) break;
      if (m[0].length === 0) rx.lastIndex++;
      let base = rs;
      const mEnd = m.index + m[0].length;
      if (re < n && mEnd >= slice.length - 1) {
        // the match touches the window's end: confirm it against the real continuation
        const from = rs + m.index;
        const sticky = new RegExp(rx.source, 'dy');
        const again = sticky.exec(text.slice(from, Math.min(n, from + rule.maxLen + 2)));
        if (again === null) continue;
        m = again;
        base = from;
      }
      this.accept(text, rule, m, base, found);
    }
  }

  private accept(text: string, rule: CompiledRule, m: RegExpExecArray, base: number, found: RawSecretMatch[]): void {
    const idx = m.indices!;
    let g = rule.spec.secretGroup ?? 0;
    if (g === 0) {
      g = -1;
      for (let k = 1; k < m.length; k++) {
        if (m[k] !== undefined && m[k] !== '') {
          g = k;
          break;
        }
      }
    }
    const span = g > 0 ? idx[g] : idx[0];
    if (span === undefined) return;
    const start = base + span[0];
    const end = base + span[1];
    const secret = text.slice(start, end);
    const match = m[0];
    if (secret.length === 0) return;
    const spec = rule.spec;
    if (spec.entropy && shannonEntropy(secret) < spec.entropy) return;
    for (const a of this.globalAllow) if (a.test(secret)) return;
    const lower = secret.toLowerCase();
    for (const w of this.globalStopwords) if (lower.includes(w)) return;
    for (const a of rule.allow) {
      const target = a.target === 'match' ? match : secret;
      for (const r of a.res) if (r.test(target)) return;
      for (const w of a.stopwords) if (lower.includes(w)) return;
    }
    if (spec.validate && !spec.validate(secret, match)) return;
    found.push({ rule: spec, start, end, secret });
  }
}
