/**
 * Runs inside Node's module-customization thread (the one `module.register`
 * starts). Once any off-thread hooks exist, Node reads every ES module's
 * source in that thread, where the main thread's sensors do not reach: this
 * module installs the fs sensor there, under the same policy, so an
 * `import` of a denied file (a JSON secret, say) is refused as a read is.
 * Module files of the app, node_modules and Palisade pass as they do in the
 * main thread (see the fs sensor's module-load rules).
 */
import './own-dir.js';
import { init, markInternalDir } from '@palisade/core';
import { installFsSensor } from '@palisade/node';

export interface LoaderThreadData {
  readonly policy: unknown;
  readonly source: string;
  readonly cwd: string;
  readonly roots: readonly string[];
  /** Palisade's own package directories, as the main thread knows them. */
  readonly internal: readonly string[];
}

export async function initialize(data: LoaderThreadData): Promise<void> {
  for (const dir of data.internal) markInternalDir(dir);
  init({ policy: data.policy, source: `${data.source} (module loader thread)`, cwd: data.cwd });
  installFsSensor(data.roots);
}
