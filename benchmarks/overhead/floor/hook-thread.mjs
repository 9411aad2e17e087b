// Startup floor: `--import` of a module that registers a pass-through module hook. Before Node 22.15
// (`module.registerHooks`), seeing ES-module imports (of the LLM SDKs, say) takes `module.register`,
// which starts Node's module-customization thread and makes the main thread wait for it.
import module from 'node:module';

module.register('./pass-through-hook.mjs', import.meta.url);
