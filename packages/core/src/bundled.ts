import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// Bound before any sensor patches fs: looking for a bundle is Palisade's own I/O, which may happen
// after the sensors are in place (the SDK loader deferred until the app loads an ES module).
const { existsSync } = fs;

/**
 * The build's one-file bundle of a module that runs in Node's module-loader thread (`x.js` →
 * `x.bundle.js`, written by scripts/bundle.mjs) when it exists, else the module itself.
 * That thread starts while the app waits, and loading one file there is faster than a few dozen.
 */
export function bundledOr(module: URL): URL {
  const bundle = new URL(module.href.replace(/\.js$/, '.bundle.js'));
  return bundle.href !== module.href && existsSync(fileURLToPath(bundle)) ? bundle : module;
}
