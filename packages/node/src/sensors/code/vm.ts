import vm from 'node:vm';
import { isWrapped, wrap } from '../../wrap.js';
import { guardClass, guardHandleClass, symbolValue } from './class-guard.js';
import { guardCode, guardSource } from './common.js';

/**
 * `vm` → `code.eval`, decided when source is compiled (a compiled script may
 * run any number of times). Targets name the API: `vm.Script`,
 * `vm.runInContext`, `vm.runInNewContext`, `vm.runInThisContext`,
 * `vm.compileFunction`, `vm.SourceTextModule`, `vm.SyntheticModule`
 * (`vm.*` matches them all). The source goes to the code inspector; records
 * carry only its length and hash.
 *
 * Node's own module loaders compile through internal bindings, not these
 * exports, so loading the app's modules is never a code.eval decision.
 */
type AnyFn = (...args: any[]) => any;

/** Node turns `code` into a string once (`${code}`); so do we, and hand Node the string we checked. */
function pinSource(args: unknown[]): string {
  const source = `${args[0]}`;
  args[0] = source;
  return source;
}

function hasCachedData(options: unknown): boolean {
  try {
    return typeof options === 'object' && options !== null && (options as { cachedData?: unknown }).cachedData !== undefined;
  } catch {
    return false;
  }
}

function scriptArgs(api: string, optionsIndex: number, target = 'vm.Script'): (args: unknown[]) => unknown[] {
  return (args) => {
    const source = pinSource(args);
    guardSource('code.eval', target, api, source, hasCachedData(args[optionsIndex]));
    return args;
  };
}

/** Functions that compile then run: checked, then called outside any call-through (the code they run is checked as usual). */
function compileAndRun(api: string, optionsIndex: number) {
  return (original: AnyFn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const source = pinSource(args);
      guardSource('code.eval', api, api, source, hasCachedData(args[optionsIndex]));
      return Reflect.apply(original, this, args);
    };
}

/**
 * `Object.getPrototypeOf(vm.Script)` is Node's native ContextifyScript, which
 * compiles and runs code on its own: it gets a guarded stand-in too.
 */
function guardContextifyScript(Script: AnyFn): object | undefined {
  const native = Object.getPrototypeOf(Script) as AnyFn | null;
  if (typeof native !== 'function' || native === Function.prototype) return undefined;
  return guardClass(native, {
    before: (args) => {
      if (typeof args[0] === 'string') guardSource('code.eval', 'vm.Script', 'ContextifyScript', args[0], args[4] !== undefined);
      return args;
    },
  });
}

/** A vm module instance holds its native ModuleWrap under a symbol; `new wrap.constructor(url, ctx, source)` compiles too. */
function guardModuleWrap(instance: object): void {
  const handle = symbolValue(instance, (v) => typeof (v as { getStatus?: unknown }).getStatus === 'function');
  if (!handle) return;
  guardHandleClass(handle, (args) => {
    if (typeof args[2] === 'string') guardSource('code.eval', 'vm.SourceTextModule', 'ModuleWrap', args[2], args[5] !== undefined);
    else guardCode('code.eval', 'vm.SyntheticModule', 'ModuleWrap');
    return args;
  });
}

/** `vm.Module`, `vm.SourceTextModule`, `vm.SyntheticModule` exist only with --experimental-vm-modules. */
function installVmModules(): void {
  const mod = vm as unknown as Record<string, AnyFn | undefined>;
  if (typeof mod.Module !== 'function') return;
  wrap(mod, 'Module', (Module: AnyFn) =>
    guardClass(Module, {
      // Subclasses of vm.Module may pass `sourceText` themselves.
      before: (args) => {
        const options = args[0];
        if (typeof options !== 'object' || options === null) return args;
        const sourceText = (options as { sourceText?: unknown }).sourceText;
        if (sourceText === undefined) {
          guardCode('code.eval', 'vm.SyntheticModule', 'vm.Module');
          return args;
        }
        if (typeof sourceText === 'string') guardSource('code.eval', 'vm.SourceTextModule', 'vm.Module', sourceText, hasCachedData(options));
        // Pin the checked text: a getter must not show Node something else.
        args[0] = Object.create(options, { sourceText: { value: sourceText, enumerable: true } });
        return args;
      },
      after: guardModuleWrap,
    }),
  );
  const guardedModule = mod.Module;
  wrap(mod, 'SourceTextModule', (STM: AnyFn) =>
    guardClass(STM, {
      before: (args) => {
        if (typeof args[0] === 'string') guardSource('code.eval', 'vm.SourceTextModule', 'vm.SourceTextModule', args[0], hasCachedData(args[1]));
        return args;
      },
      after: guardModuleWrap,
      parent: guardedModule,
    }),
  );
  wrap(mod, 'SyntheticModule', (SM: AnyFn) =>
    guardClass(SM, {
      before: (args) => {
        guardCode('code.eval', 'vm.SyntheticModule', 'vm.SyntheticModule');
        return args;
      },
      after: guardModuleWrap,
      parent: guardedModule,
    }),
  );
}

export function installVmSensor(): void {
  const holder = vm as unknown as Record<string, AnyFn>;
  // Another copy of Palisade may have been first: its stand-ins already guard the native class.
  if (typeof holder.Script !== 'function' || isWrapped(holder.Script)) return;
  const native = guardContextifyScript(holder.Script);
  wrap(holder, 'Script', (Script: AnyFn) => guardClass(Script, { before: scriptArgs('vm.Script', 1), ...(native ? { parent: native } : {}) }));
  wrap(holder, 'createScript', (original: AnyFn) => {
    const check = scriptArgs('vm.createScript', 1);
    return function createScript(this: unknown, ...args: unknown[]): unknown {
      return Reflect.apply(original, this, check(args));
    };
  });
  wrap(holder, 'runInContext', compileAndRun('vm.runInContext', 2));
  wrap(holder, 'runInNewContext', compileAndRun('vm.runInNewContext', 2));
  wrap(holder, 'runInThisContext', compileAndRun('vm.runInThisContext', 1));
  wrap(holder, 'compileFunction', (original: AnyFn) =>
    function compileFunction(this: unknown, ...args: unknown[]): unknown {
      const [code, params] = args;
      // Not a string: Node throws its own error and nothing compiles.
      if (typeof code === 'string') {
        // Parameter names are part of the source shown to the inspector: Node gets the same copy.
        if (Array.isArray(params)) args[1] = [...(params as unknown[])];
        const head = Array.isArray(args[1]) ? `(${(args[1] as unknown[]).map(String).join(', ')}) => ` : '';
        guardSource('code.eval', 'vm.compileFunction', 'vm.compileFunction', head + code, hasCachedData(args[2]));
      }
      return Reflect.apply(original, this, args);
    },
  );
  installVmModules();
}
