import { clientClass, patchCreate, patchPost } from '../patch.js';
import { chatCompletions } from './chat.js';
import { embeddings } from './embeddings.js';
import { responses } from './responses.js';

/**
 * Hooks one copy of the openai package (its CJS and ESM builds are separate
 * class objects; each is patched when it loads). Resource methods live on
 * prototypes shared by every client, Azure's included.
 */
export function patchOpenAI(exported: unknown): number {
  const OpenAI = clientClass(exported, 'OpenAI');
  if (!OpenAI) return 0;
  let n = 0;
  if (patchCreate(OpenAI, ['Chat', 'Completions'], chatCompletions)) n++;
  if (patchCreate(OpenAI, ['Responses'], responses)) n++;
  if (patchCreate(OpenAI, ['Embeddings'], embeddings)) n++;
  if (
    patchPost(OpenAI, [
      [/\/chat\/completions$/, chatCompletions],
      [/\/responses$/, responses],
      [/\/embeddings$/, embeddings],
    ])
  )
    n++;
  return n;
}
