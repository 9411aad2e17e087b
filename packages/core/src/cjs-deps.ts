import { createRequire } from 'node:module';
import type * as IpAddr from 'ipaddr.js';
import type Picomatch from 'picomatch';

/**
 * The CommonJS packages core depends on, loaded with `require`. An ES-module
 * `import` of a CommonJS file goes through Node's export scanner first: for
 * ipaddr.js on Node 20 that alone added ~12 MB of resident memory and a few
 * milliseconds to every start (and a bigger process forks slower).
 */
const require = createRequire(import.meta.url);

export const ipaddr = require('ipaddr.js') as typeof IpAddr;
export type { IpAddr };

let pm: typeof Picomatch | undefined;

/** picomatch, loaded the first time a pattern needs it (the common shapes have their own matchers). */
export function picomatch(glob: string, options: Picomatch.PicomatchOptions): Picomatch.Matcher {
  pm ??= require('picomatch') as typeof Picomatch;
  return pm(glob, options);
}
