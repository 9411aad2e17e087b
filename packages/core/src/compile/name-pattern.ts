import { type ParseResult, type RuleRef, earlier, fail, ok } from './rule.js';

/**
 * Name patterns (models, tools, code kinds): `*` matches any run of characters
 * (slashes included: model ids such as `org/model` are names, not paths), `?` one character.
 */
export function nameGlobToRegExp(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 's');
}

export function parseNamePattern(text: string): ParseResult<RegExp | string> {
  if (text.trim() !== text) return fail('must not start or end with spaces');
  if (!/[*?]/.test(text)) return ok(text);
  return ok(nameGlobToRegExp(text));
}

/** Exact names in a map; wildcard patterns tried in order. */
export class NameRuleSet {
  private readonly exact = new Map<string, RuleRef>();
  private readonly globs: Array<{ re: RegExp; rule: RuleRef }> = [];
  size = 0;

  add(pattern: RegExp | string, rule: RuleRef): void {
    this.size++;
    if (typeof pattern === 'string') {
      if (!this.exact.has(pattern)) this.exact.set(pattern, rule);
    } else {
      this.globs.push({ re: pattern, rule });
    }
  }

  first(name: string): RuleRef | undefined {
    let best = this.exact.get(name);
    for (const g of this.globs) {
      if (best && g.rule.order > best.order) break;
      if (g.re.test(name)) return earlier(best, g.rule);
    }
    return best;
  }
}
