import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledOr } from '@palisade/core';

/**
 * `palisade/register` as a file, for workers, child processes and `palisade run` to preload: the
 * build's CommonJS preload when it exists (it loads with `--require` on every supported Node, before a
 * process's own `--require`s, and starts fastest), else the bundled or plain ES module.
 */
const commonJS = fileURLToPath(new URL('./register.cjs', import.meta.url));
export const registerPath = existsSync(commonJS) ? commonJS : fileURLToPath(bundledOr(new URL('./register.js', import.meta.url)));
