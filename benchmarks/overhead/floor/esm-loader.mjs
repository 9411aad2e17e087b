// Startup floor: an empty module given to `--import`. What Node's ES-module loader costs by being
// started before a CommonJS app, whatever the preload does.
