import module from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { type Verdict, activeRuntime, bundledOr, internalDirs } from '@palisade/core';
import { appRoots, wrap } from '@palisade/node';
import { startDeferredLlmLoader } from '@palisade/llm';
import type { LoaderThreadData } from './loader-thread.js';

const THREAD_MODULE = bundledOr(new URL('./loader-thread.js', import.meta.url));

/**
 * Wraps `module.register` so that the first off-thread hooks anyone registers
 * (Palisade's own LLM loader on Node 20, or the app's: a TypeScript loader,
 * say) are preceded by Palisade's loader-thread hook. Without it, ES module
 * sources read in that thread would bypass `fs.read`. Refusals the thread
 * reports are recorded here, like any other decision.
 */
export function guardLoaderThread(): void {
  let guarded = false;
  wrap(module, 'register', (original: (...a: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const rt = activeRuntime();
      if (!guarded && rt) {
        guarded = true;
        try {
          const { port1, port2 } = new MessageChannel();
          port1.on('message', (m: { verdict: Verdict }) => activeRuntime()?.recorder.record(m.verdict, undefined, 'import'));
          port1.unref();
          const roots = [...appRoots(), ...internalDirs()];
          const data: LoaderThreadData = { policy: rt.policy, source: rt.source, values: rt.guard.program.values, roots, port: port2 };
          original.call(module, THREAD_MODULE, { data, transferList: [port2] });
        } catch (err) {
          rt.recorder.internalError('module loader thread', err);
        }
      }
      // Someone else's hooks start the thread anyway, and what they load may be ES modules: the SDK hook goes in too.
      startDeferredLlmLoader();
      return Reflect.apply(original, this, args);
    },
  );
  module.syncBuiltinESMExports();
}
