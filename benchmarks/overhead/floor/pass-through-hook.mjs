// A module hook that changes nothing (registered by hook-thread.mjs).
export async function resolve(specifier, context, next) {
  return next(specifier, context);
}
