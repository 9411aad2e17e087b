import { clientClass, patchCreate, patchPost } from '../patch.js';
import { betaMessages, messages } from './messages.js';

/** Hooks one copy (CJS or ESM build) of @anthropic-ai/sdk: messages and beta messages. */
export function patchAnthropic(exported: unknown): number {
  const Anthropic = clientClass(exported, 'Anthropic');
  if (!Anthropic) return 0;
  let n = 0;
  if (patchCreate(Anthropic, ['Messages'], messages)) n++;
  if (patchCreate(Anthropic, ['Beta', 'Messages'], betaMessages)) n++;
  if (patchPost(Anthropic, [[/\/messages$/, messages]])) n++;
  return n;
}
