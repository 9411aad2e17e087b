import { fileURLToPath } from 'node:url';
import { bundledOr } from '@palisade/core';

/** `palisade/register` as a file: the bundled preload when the build made it (it starts faster), else the module itself. */
export const registerPath = fileURLToPath(bundledOr(new URL('./register.js', import.meta.url)));
