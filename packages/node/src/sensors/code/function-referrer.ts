import vm from 'node:vm';
import { originalOf } from '../../wrap.js';
import { callerOutsidePalisade } from './common.js';

/**
 * A dynamic `import()` in code made by `new Function(…)` resolves against the
 * script that called the constructor. With the constructors guarded, that
 * caller is Palisade's Proxy trap, so `new Function('s', 'return import(s)')`
 * (how TypeScript-compiled CommonJS keeps a real dynamic import) would look
 * for packages from Palisade's directory. For such code the function is made
 * again, from the very source V8 built, as a script named after the app's
 * calling file, whose imports Node resolves against that file.
 */

type Loader = NonNullable<typeof vm.constants>['USE_MAIN_CONTEXT_DEFAULT_LOADER'];

const loader: Loader | undefined = (vm as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: Loader } }).constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const runInThisContext = originalOf(vm.runInThisContext);
const FEATURE = 'USE_MAIN_CONTEXT_DEFAULT_LOADER';
let silenced = false;

/**
 * Node announces that loader option as experimental on its first use, once per
 * process. The announcement would be Palisade's doing, not the app's: it is
 * spent once here, with nothing else let through in that moment.
 */
function silenceOnce(): void {
  if (silenced) return;
  silenced = true;
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: unknown, ...rest: unknown[]) {
    if (String((warning as { message?: unknown })?.message ?? warning).includes(FEATURE)) return;
    return Reflect.apply(emit, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    const probe = runInThisContext('import("node:path")', { importModuleDynamically: loader }) as Promise<unknown>;
    probe.catch(() => undefined);
  } catch {
    // no announcement to spend
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * For Function arguments `strings` with an import: the function again, from
 * `source()` (what V8 built for `new Function`, already validated by V8's own
 * constructor, so it is one function literal and evaluating it runs nothing),
 * compiled so that its imports resolve against the app's calling file;
 * undefined when that does not apply.
 */
export function functionForCaller(strings: readonly string[], source: () => string): ((...a: unknown[]) => unknown) | undefined {
  if (loader === undefined || !strings.some((s) => s.includes('import'))) return undefined;
  const filename = callerOutsidePalisade();
  // Only an app file: Node's own code and eval'd code keep V8's function.
  if (filename === '' || filename.startsWith('node:')) return undefined;
  try {
    silenceOnce();
    const fn = runInThisContext(source(), { filename, importModuleDynamically: loader }) as unknown;
    return typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown) : undefined;
  } catch {
    return undefined;
  }
}
