/**
 * import-in-the-middle's loader hooks run in-thread (`module.registerHooks`,
 * Node versions whose hooks accept what import-in-the-middle returns). The
 * build bundles this module with import-in-the-middle and its two lexers into
 * one CommonJS file compiled with the code cache (dist/iitm-sync.cjs): loaded
 * as import-in-the-middle's own ES modules they cost ~10 ms of every start on
 * Node 24. The hooks are made with import-in-the-middle's own URL, so the
 * modules they generate bind to the package's `lib/register.js`, the one its
 * `Hook` (require-in-the-middle's side, hookSDKImports) registers with.
 */
import Module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
// @ts-expect-error untyped module of import-in-the-middle
import { createHook } from 'import-in-the-middle/create-hook.mjs';
// @ts-expect-error untyped module of import-in-the-middle
import { supportsSyncHooks } from 'import-in-the-middle/supports-sync-hooks.mjs';

type Next = (a: string, c: unknown) => unknown;
type SyncHooks = {
  applyOptions(o: { include: ReadonlyArray<string | RegExp> }): void;
  resolveSync: (s: string, c: unknown, next: Next) => unknown;
  loadSync: (u: string, c: unknown, next: Next) => unknown;
};
type RegisterHooks = (hooks: { resolve: SyncHooks['resolveSync']; load: SyncHooks['loadSync'] }) => unknown;

/**
 * Whether this Node's in-thread hooks can run import-in-the-middle (it reads the Node version).
 * The loader loads this module only where `module.registerHooks` exists.
 */
export function syncHooksSupported(): boolean {
  return (supportsSyncHooks as () => boolean)();
}

/** Registers import-in-the-middle's hooks in-thread for the modules `include` names. */
export function registerSyncHooks(include: ReadonlyArray<string | RegExp>): void {
  const url = pathToFileURL(createRequire(import.meta.url).resolve('import-in-the-middle/register-hooks.mjs')).href;
  const hooks = (createHook as (meta: { url: string }) => SyncHooks)({ url });
  hooks.applyOptions({ include });
  (Module as unknown as { registerHooks: RegisterHooks }).registerHooks({ resolve: hooks.resolveSync, load: hooks.loadSync });
}
