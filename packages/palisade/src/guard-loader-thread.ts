import module from 'node:module';
import { activeRuntime, internalDirs } from '@palisade/core';
import { appRoots, wrap } from '@palisade/node';
import type { LoaderThreadData } from './loader-thread.js';

const THREAD_MODULE = new URL('./loader-thread.js', import.meta.url);

/**
 * Wraps `module.register` so that the first off-thread hooks anyone registers
 * (Palisade's own LLM loader on Node 20, or the app's: a TypeScript loader,
 * say) are preceded by Palisade's loader-thread module. Without it, ES module
 * sources read in that thread would bypass `fs.read`.
 */
export function guardLoaderThread(): void {
  let guarded = false;
  wrap(module, 'register', (original: (...a: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const rt = activeRuntime();
      if (!guarded && rt) {
        guarded = true;
        try {
          const data: LoaderThreadData = { policy: rt.policy, source: rt.source, cwd: process.cwd(), roots: [...appRoots()], internal: [...internalDirs()] };
          original.call(module, THREAD_MODULE, { data });
        } catch (err) {
          rt.recorder.internalError('module loader thread', err);
        }
      }
      return Reflect.apply(original, this, args);
    },
  );
  module.syncBuiltinESMExports();
}
