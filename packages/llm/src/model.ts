import type { Runtime, Verdict } from '@palisade/core';

// Printable ASCII: NFKC leaves it as it is and it holds no zero-width characters.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The forms a model name is checked in. Providers treat `GPT-4o`, `gpt-4o `
 * and full-width look-alikes as the same model (or reject them), so a deny
 * entry must catch every spelling: the name is checked as given (trimmed) and
 * case-folded after Unicode compatibility normalization.
 */
export function modelForms(model: string): string[] {
  const trimmed = model.trim();
  if (PRINTABLE_ASCII.test(trimmed)) {
    const lower = trimmed.toLowerCase();
    return lower === trimmed ? [trimmed] : [trimmed, lower];
  }
  const folded = trimmed.normalize('NFKC').replace(/[\u200b-\u200d\u2060\ufeff]/g, '').trim().toLowerCase();
  return folded === trimmed ? [trimmed] : [trimmed, folded];
}

function isDenyRule(v: Verdict): boolean {
  // A verdict that refused because the name is missing from an allow list is
  // weaker than one that matched a deny entry, a flow or a scope's deny.
  return v.action !== 'allow' && !v.rule.startsWith('allow.');
}

/**
 * Decides `llm.model` for a request and records the outcome. A deny entry
 * that matches any form wins; otherwise the model is allowed when any form is
 * in the allow list; otherwise the first refusal stands.
 */
export function decideModel(rt: Runtime, model: unknown, api: string): Verdict {
  const name = typeof model === 'string' ? model : model === undefined || model === null ? '' : String(model);
  const forms = modelForms(name);
  if (forms.length === 1) return rt.decide('llm.model', forms[0]!, api);
  const verdicts = forms.map((f) => rt.check('llm.model', f));
  let chosen = forms.findIndex((_, i) => isDenyRule(verdicts[i]!));
  if (chosen < 0) chosen = verdicts.findIndex((v) => v.action === 'allow');
  if (chosen < 0) chosen = 0;
  return rt.decide('llm.model', forms[chosen]!, api);
}
