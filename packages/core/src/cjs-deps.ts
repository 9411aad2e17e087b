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
export const picomatch = require('picomatch') as typeof Picomatch;
export type { IpAddr };
