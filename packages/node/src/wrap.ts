// The wrapping utility is shared by every sensor package; it lives in core.
export { wrap, originalOf, isWrapped, unwrapAll } from '@palisade/core';
