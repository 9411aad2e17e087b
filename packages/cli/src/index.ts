import { markInternalDir } from '@palisade/core';
import { main } from './main.js';

markInternalDir(new URL('.', import.meta.url));

export { main };
export type { CliContext } from './main.js';
