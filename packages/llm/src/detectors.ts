import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { markInternalDir } from '@palisade/core';

type Detectors = typeof import('@palisade/detectors');

const require = createRequire(import.meta.url);
let loaded: Detectors | undefined;

// Loaded after the sensors are in place: its files are Palisade's own, readable under any fs policy.
try {
  markInternalDir(dirname(require.resolve('@palisade/detectors')));
} catch {
  // not resolvable: detectors() will report it when first needed
}

/**
 * The detectors, loaded when the first guarded call needs them rather than at
 * start-up (loading them costs tens of milliseconds; most processes start many
 * times before their first LLM call). Synchronous through require() of the ES
 * module (Node >= 20.19); on older Node, `preloadDetectors` has loaded them
 * in the background by then.
 */
export function detectors(): Detectors {
  return (loaded ??= require('@palisade/detectors') as Detectors);
}

export function preloadDetectors(): void {
  if (loaded || (process.features as { require_module?: boolean }).require_module) return;
  import('@palisade/detectors').then(
    (m) => (loaded ??= m),
    () => undefined,
  );
}
