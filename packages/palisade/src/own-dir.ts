import { markInternalDir } from '@palisade/core';

// This package's files are Palisade's own: never shown as the app's frames,
// and loadable under a restrictive fs.read allow list.
markInternalDir(new URL('.', import.meta.url));
