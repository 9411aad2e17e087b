import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { markInternalDir } from '@palisade/core';

type Detectors = typeof import('@palisade/detectors');

const require = createRequire(import.meta.url);
let loaded: Detectors | undefined;

// Marked while llm loads, before the sensors are in place: resolving the package reads the file
// system (realpath), which a restrictive fs policy would refuse later. Its files are Palisade's own,
// readable under any fs policy.
try {
  markInternalDir(dirname(require.resolve('@palisade/detectors')));
} catch {
  // not resolvable: detectors() reports it when it loads them
}

/**
 * The detectors, loaded when the first guarded call needs them rather than at
 * start-up (loading them costs milliseconds; most processes start many times
 * before their first LLM call). @palisade/detectors has a CommonJS entry, so
 * this is synchronous on every supported Node version.
 */
export function detectors(): Detectors {
  return (loaded ??= require('@palisade/detectors') as Detectors);
}
