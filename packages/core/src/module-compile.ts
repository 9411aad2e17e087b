import Module from 'node:module';
import { activeRuntime } from './runtime.js';
import { wrap } from './wrap.js';

/** Called with what `Module#_compile` is about to compile: CommonJS source, or an ES module `require`d (`format` 'module'). */
export type CompileListener = (content: unknown, filename: unknown, format: unknown) => void;

const listeners = new Set<CompileListener>();
let hooked = false;

/**
 * Runs `listener` before each CommonJS compilation until the returned function
 * is called. One wrapper of `Module#_compile` serves every listener (a second
 * wrapper could not be installed over Palisade's first). A listener that throws
 * is reported; the app's module still compiles.
 */
export function onModuleCompile(listener: CompileListener): () => void {
  listeners.add(listener);
  if (!hooked) {
    hooked = true;
    wrap(Module.prototype as unknown as Record<string, unknown>, '_compile', (original: (...a: unknown[]) => unknown) =>
      function _compile(this: unknown, content: unknown, filename: unknown, format: unknown) {
        if (listeners.size > 0) {
          for (const l of [...listeners]) {
            try {
              l(content, filename, format);
            } catch (err) {
              activeRuntime()?.recorder.internalError('module compile listener', err);
            }
          }
        }
        // eslint-disable-next-line prefer-rest-params
        return Reflect.apply(original, this, arguments);
      },
    );
  }
  return () => {
    listeners.delete(listener);
  };
}
