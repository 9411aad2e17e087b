/**
 * Hostile arguments to the code sensors (property tests): eval, the Function
 * constructors, vm, workers, and the native bindings, given sources and
 * options made of wrong types, Symbols, Proxies, toString/valueOf tricks that
 * answer harmless code to the first reading and a payload to the next,
 * getters that throw, and a polluted Object.prototype.
 *  - Stable values with code generation allowed: the same outcome (value or
 *    error code) as Node without Palisade.
 *  - With code generation, workers and `binding:fs` denied: no payload ever
 *    runs (it would set a global or write a marker file), and the fs binding
 *    is never handed out.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import t from 'tap';
import { init, shutdown } from '@palisade/core';
import { installNodeSensors, setCodeInspector } from '../src/index.js';
import { type Answer, type Outcome, coercible, errorKey, fcParams, isStable, same, scriptArb, scripted, throwingProxy, unguarded, viaSync } from './helpers/hostile.js';

installNodeSensors();

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-hostile-code-')));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const MARKER = join(dir, 'worker-ran');
const g = globalThis as { __pwned?: number };

const TARGETS: Record<string, unknown> = {
  harmless: '1 + 1',
  payload: 'globalThis.__pwned = 1; 2',
  // (Not 'a, b': vm.compileFunction with such a parameter name crashes Node 20 itself, with or without Palisade.)
  params: 'a',
  workerPayload: `require('node:fs').writeFileSync(${JSON.stringify(MARKER)}, 'x')`,
  syntaxError: '}{',
};
const SAFE = ['harmless', 'params', 'syntaxError'];
const ALL = ['harmless', 'payload', 'params', 'syntaxError'];

const LITERALS: Record<string, () => unknown> = {
  undefined: () => undefined,
  null: () => null,
  number: () => 42,
  symbol: () => Symbol('code'),
  object: () => ({}),
  array: () => ['1'],
  throwingProxy: () => throwingProxy(),
  megabyte: () => `/*${'x'.repeat(1 << 20)}*/ 3`,
  nul: () => '1\0',
};

type ValueRecipe =
  | { readonly kind: 'target'; readonly name: string }
  | { readonly kind: 'literal'; readonly name: string }
  | { readonly kind: 'coercible'; readonly via: 'toString' | 'valueOf' | 'toPrimitive'; readonly answers: readonly Answer[] };

const valueArb = (names: readonly string[]): fc.Arbitrary<ValueRecipe> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('target' as const), name: fc.constantFrom(...names) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('literal' as const), name: fc.constantFrom(...Object.keys(LITERALS)) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('coercible' as const), via: fc.constantFrom('toString', 'valueOf', 'toPrimitive'), answers: scriptArb(names) }) },
  ) as fc.Arbitrary<ValueRecipe>;

function build(r: ValueRecipe): unknown {
  if (r.kind === 'target') return TARGETS[r.name];
  if (r.kind === 'literal') return LITERALS[r.name]!();
  return coercible(r.answers, TARGETS, r.via);
}

const stable = (r: ValueRecipe) => r.kind !== 'coercible' || isStable(r.answers);

type Api = 'eval' | 'Function' | 'AsyncFunction' | 'vm.runInNewContext' | 'vm.Script' | 'vm.compileFunction' | 'vm.runInThisContext' | 'process.binding';
const APIS: readonly Api[] = ['eval', 'Function', 'AsyncFunction', 'vm.runInNewContext', 'vm.Script', 'vm.compileFunction', 'vm.runInThisContext', 'process.binding'];
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...a: unknown[]) => () => Promise<unknown>;

function describe(v: unknown): string {
  if (typeof v === 'function') {
    try {
      return `function:${String(v)}`;
    } catch {
      return 'function';
    }
  }
  if (typeof v === 'object' && v !== null) return `object:${Object.keys(v).slice(0, 5).join(',')}`;
  return `${typeof v}:${String(v)}`;
}

function invoke(api: Api, a: unknown, b: unknown, options: unknown): Outcome {
  return viaSync(() => {
    switch (api) {
      case 'eval':
        return (0, eval)(a as string);
      case 'Function':
        return new Function(b as string, a as string);
      case 'AsyncFunction':
        return new AsyncFunction(a);
      case 'vm.runInNewContext':
        return vm.runInNewContext(a as string, {}, options as vm.RunningScriptOptions);
      case 'vm.Script':
        return new vm.Script(a as string, options as vm.ScriptOptions).runInThisContext();
      case 'vm.compileFunction':
        // A parameter name that is a string but not an identifier crashes Node 20 itself (SIGSEGV): strings become `a`.
        return vm.compileFunction(a as string, [typeof b === 'string' ? 'a' : (b as string)], options as vm.CompileFunctionOptions);
      case 'vm.runInThisContext':
        return vm.runInThisContext(a as string, options as vm.RunningScriptOptions);
      case 'process.binding':
        // Only the name matters; the deprecated binding must be the fs one for the payload to count.
        return (process as unknown as { binding(n: unknown): unknown }).binding(a) ? 'binding' : 'none';
    }
  }, describe);
}


function usePolicy(t: Tap.Test, policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
  t.teardown(() => shutdown());
}

const optionsArb = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'throwingProxy' as const }),
  fc.record({ kind: fc.constant('scripted' as const), filename: scriptArb([], ['f.js', undefined, 5]), cachedData: scriptArb([], [undefined, 'x']) }),
);
type OptionsRecipe = fc.Arbitrary<typeof optionsArb extends fc.Arbitrary<infer T> ? T : never> extends fc.Arbitrary<infer U> ? U : never;

function buildOptions(r: OptionsRecipe): unknown {
  if (r.kind === 'none') return undefined;
  if (r.kind === 'throwingProxy') return throwingProxy();
  return scripted({ filename: r.filename, cachedData: r.cachedData }, {}, 'object');
}
const stableOptions = (r: OptionsRecipe) => r.kind !== 'scripted' || (isStable(r.filename) && isStable(r.cachedData));

t.test('stable hostile values, code generation allowed: the same outcome as Node without Palisade', async (t) => {
  usePolicy(t, {});
  fc.assert(
    fc.property(fc.constantFrom(...APIS.filter((a) => a !== 'process.binding')), valueArb(SAFE), valueArb(SAFE), optionsArb, (api, a, b, o) => {
      fc.pre(stable(a) && stable(b) && stableOptions(o));
      const without = unguarded(() => invoke(api, build(a), build(b), buildOptions(o)));
      const withP = invoke(api, build(a), build(b), buildOptions(o));
      return same(t, withP, without, `${api} ${JSON.stringify([a, b, o])}`);
    }),
    fcParams(300),
  );
  t.pass('every run held');
});

t.test('any hostile value, code generation denied: no payload runs, no fs binding is handed out', async (t) => {
  usePolicy(t, { allow: { 'code.eval': false }, deny: { 'code.native': ['binding:fs'] } });
  fc.assert(
    fc.property(fc.constantFrom(...APIS), valueArb([...ALL, 'fsName']), valueArb(ALL), optionsArb, (api, a, b, o) => {
      delete g.__pwned;
      TARGETS.fsName = 'fs';
      const outcome = invoke(api, build(a), build(b), buildOptions(o));
      const ran = g.__pwned === 1;
      if (typeof outcome.value === 'string' && outcome.value.includes('function:')) {
        // A function handed out would run the payload when called: calling it must be impossible too.
        return t.fail(`${api} ${JSON.stringify([a, b])}: a compiled function was returned (${outcome.value.slice(0, 80)})`);
      }
      const leakedBinding = api === 'process.binding' && outcome.channel === 'return' && JSON.stringify(a).includes('fsName');
      return (!ran && !leakedBinding) || t.fail(`${api} ${JSON.stringify([a, b, o])} → ${JSON.stringify(outcome)}: payload ran or fs binding handed out`);
    }),
    fcParams(300),
  );
  delete TARGETS.fsName;
  t.pass('every run held');
});

t.test('code generation allowed, an inspector refusing the payload: a source that reads harmless first never runs the payload', async (t) => {
  // What the code inspector (dangerous-code detection under palisade/register) sees must be what is compiled.
  usePolicy(t, {});
  setCodeInspector((c) => (c.source.includes('__pwned') ? new Error('refused by the inspector') : undefined));
  t.teardown(() => setCodeInspector(undefined));
  fc.assert(
    // (Not eval: an allowed eval is the engine's own, whose source the inspector never sees — a documented limit.)
    fc.property(fc.constantFrom(...APIS.filter((a) => a !== 'process.binding' && a !== 'eval')), valueArb(ALL), valueArb(ALL), optionsArb, (api, a, b, o) => {
      delete g.__pwned;
      const outcome = invoke(api, build(a), build(b), buildOptions(o));
      if (g.__pwned !== 1 && typeof outcome.value === 'string' && outcome.value.startsWith('function:') && outcome.value.includes('__pwned')) {
        return t.fail(`${api} ${JSON.stringify([a, b])}: a function holding the payload was compiled`);
      }
      return g.__pwned !== 1 || t.fail(`${api} ${JSON.stringify([a, b, o])} → ${JSON.stringify(outcome)}: the payload ran`);
    }),
    fcParams(300),
  );
  t.pass('every run held');
});

t.test('process.binding: a name that reads util, then fs', async (t) => {
  usePolicy(t, { deny: { 'code.native': ['binding:fs'] } });
  const name = coercible([{ literal: 'util' }, { literal: 'fs' }], {}, 'toString');
  let got: unknown;
  try {
    got = (process as unknown as { binding(n: unknown): unknown }).binding(name);
  } catch (err) {
    got = errorKey(err);
  }
  const fsBinding = typeof got === 'object' && got !== null && typeof (got as { open?: unknown }).open === 'function';
  t.notOk(fsBinding, `the fs binding was not handed out (${typeof got === 'string' ? got : 'an object'})`);
});

t.test('workers: a source or a URL that reads harmless first and the payload next never starts a worker that runs it', async (t) => {
  usePolicy(t, { allow: { 'code.worker': false } });
  const later: Answer[] = [{ target: 'harmless' }, { target: 'workerPayload' }];
  const attempts: Array<[string, () => Worker]> = [
    ['eval source toString', () => new Worker(coercible(later, TARGETS, 'toString') as never, { eval: true })],
    ['eval option getter', () => new Worker(TARGETS.workerPayload as string, scripted({ eval: [{ literal: false }, { literal: true }] }, {}, 'object') as never)],
    ['URL-like href getter', () => new Worker(scripted({ href: [{ literal: 'file:///nonexistent.js' }, { literal: `data:text/javascript,${encodeURIComponent(TARGETS.workerPayload as string)}` }], protocol: [{ literal: 'file:' }] }, {}, 'object') as never)],
    ['Proxy options', () => new Worker(TARGETS.workerPayload as string, throwingProxy() as never)],
  ];
  for (const [what, start] of attempts) {
    rmSync(MARKER, { force: true });
    let outcome: string;
    try {
      const w = start();
      outcome = await new Promise<string>((resolve) => {
        w.on('error', (e) => resolve(`error ${errorKey(e)}`));
        w.on('exit', (c) => resolve(`exit ${c}`));
      });
    } catch (err) {
      outcome = `threw ${errorKey(err)}`;
    }
    t.notOk(existsSync(MARKER), `${what}: the payload did not run (${outcome})`);
  }
});

t.test('Object.prototype polluted with code options: same outcomes, still denied', async (t) => {
  const keys = ['filename', 'cachedData', 'produceCachedData', 'importModuleDynamically', 'contextName', 'eval', 'microtaskMode', 'timeout'];
  fc.assert(
    fc.property(fc.constantFrom(...APIS.filter((a) => a !== 'process.binding')), fc.subarray(keys, { minLength: 1 }), fc.constantFrom<unknown>('x', true, 5, () => 1), (api, polluted, value) => {
      const proto = Object.prototype as Record<string, unknown>;
      const during = <T>(fn: () => T): T => {
        for (const k of polluted) proto[k] = value;
        try {
          return fn();
        } finally {
          for (const k of polluted) delete proto[k];
        }
      };
      shutdown();
      init({ policy: { version: 1, mode: 'enforce' }, source: 'test' });
      const without = unguarded(() => during(() => invoke(api, TARGETS.harmless, TARGETS.params, { })));
      const withP = during(() => invoke(api, TARGETS.harmless, TARGETS.params, {}));
      shutdown();
      init({ policy: { version: 1, mode: 'enforce', allow: { 'code.eval': false } }, source: 'test' });
      delete g.__pwned;
      during(() => invoke(api, TARGETS.payload, TARGETS.params, {}));
      const what = `${api} Object.prototype.{${polluted.join(',')}} = ${String(value)}`;
      return same(t, withP, without, what) && (g.__pwned !== 1 || t.fail(`${what}: the payload ran`));
    }),
    fcParams(80),
  );
  shutdown();
  t.pass('every run held');
});
