import module from 'node:module';
import { activeRuntime } from '@palisade/core';
import { dataUrlText, guardSource } from './common.js';

/**
 * `import('data:text/javascript,…')` compiles a string as a module: `code.eval`,
 * target `import:data`. Seen through a synchronous module resolve hook
 * (`module.registerHooks`, Node >= 22.15 / 23.5); Node 20 has no in-thread
 * hook, so there such imports are not seen (docs/threat-model.md, Code).
 * The hook is added only when the policy at install does not allow
 * `import:data` outright, so other apps' module loading is untouched.
 * JSON data: URLs are data, not code, and pass.
 */
type ResolveResult = { url: string };
type Resolve = (specifier: string, context: unknown, next: (s: string, c?: unknown) => ResolveResult) => ResolveResult;
type RegisterHooks = (hooks: { resolve: Resolve }) => unknown;

function isCodeDataUrl(url: string): boolean {
  if (url.slice(0, 5).toLowerCase() !== 'data:') return false;
  const end = url.search(/[;,]/);
  const mime = url.slice(5, end === -1 ? undefined : end).trim().toLowerCase();
  return mime !== 'application/json';
}

let installed = false;

export function installDataImportSensor(): boolean {
  const register = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  const rt = activeRuntime();
  if (installed || typeof register !== 'function' || !rt) return false;
  if (rt.check('code.eval', 'import:data').action === 'allow') return false;
  installed = true;
  register({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      if (typeof result?.url === 'string' && isCodeDataUrl(result.url)) guardSource('code.eval', 'import:data', 'import', dataUrlText(result.url));
      return result;
    },
  });
  return true;
}
