import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** Builtin `id`, loaded when first asked for (a static import would load it with Palisade, at every start). */
export function builtin<T>(id: string): T {
  return requireHere(`node:${id}`) as T;
}
