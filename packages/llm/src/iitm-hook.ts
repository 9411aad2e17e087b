/**
 * import-in-the-middle's loader hooks, for the off-thread loader (Node
 * versions without working synchronous hooks). A worker that loads Palisade
 * registers the loader too, in the process's one hooks thread, where
 * import-in-the-middle would warn that it is already initialized: expected
 * here, so the warning is not shown to the app.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
// @ts-expect-error untyped module of import-in-the-middle
import { createHook } from 'import-in-the-middle/create-hook.mjs';

type Hooks = { initialize(data: unknown): Promise<void>; resolve: unknown; load: unknown };

const hookUrl = pathToFileURL(createRequire(import.meta.url).resolve('import-in-the-middle/hook.mjs')).href;
const hooks = (createHook as (meta: { url: string }) => Hooks)({ url: hookUrl });
const INITIALIZED = '__import_in_the_middle_initialized__';

export async function initialize(data: unknown): Promise<void> {
  (globalThis as Record<string, unknown>)[INITIALIZED] = false;
  return hooks.initialize(data);
}

export const resolve = hooks.resolve;
export const load = hooks.load;
