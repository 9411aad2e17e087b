/**
 * Hostile arguments to the child_process sensor (property tests): files,
 * argument lists and options built from wrong types, Symbols, Proxies,
 * getters that throw or change between reads, toString/valueOf tricks, NUL
 * bytes, megabyte strings and a polluted Object.prototype.
 *  - Values that answer the same on every read, under a policy that does not
 *    restrict spawning, give exactly Node's outcome without Palisade.
 *  - Under a policy that allows only `true` and `echo`, no value — including
 *    ones that say `true` to the first read and `touch` to the next — makes
 *    `touch` (or a shell) run: the marker file it would create never appears.
 */
import cp from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { init, shutdown } from '@palisade/core';
import { installNodeSensors } from '../src/index.js';
import { type Answer, type Outcome, type ValueRecipe, buildValue, capturingUncaught, coercible, errorKey, fcParams, isStable, same, scriptArb, scripted, throwingProxy, valueArb, viaCallback, viaSync, withoutPalisade } from './helpers/hostile.js';

installNodeSensors();

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-hostile-cp-')));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const MARKER = join(dir, 'marker');

// Named values a script can answer with.
const TARGETS: Record<string, unknown> = {
  true: 'true',
  echo: 'echo',
  touch: 'touch',
  touchPath: '/usr/bin/touch',
  shell: '/bin/sh',
  marker: MARKER,
  shellTouch: `touch ${MARKER}`,
  envInject: { LD_PRELOAD: '/tmp/x.so', PATH: process.env.PATH },
  envPlain: { PATH: process.env.PATH },
  dir,
  missingDir: join(dir, 'missing'),
};
const SAFE_FILES = ['true', 'echo'];
const ALL_FILES = ['true', 'echo', 'touch', 'touchPath', 'shell'];

const LITERALS: Record<string, () => unknown> = {
  undefined: () => undefined,
  null: () => null,
  number: () => 42,
  symbol: () => Symbol('x'),
  bigint: () => 1n,
  object: () => ({}),
  array: () => ['a'],
  nul: () => 'tr\0ue',
  nulMarker: () => `${MARKER}\0`,
  empty: () => '',
  megabyte: () => 'x'.repeat(1 << 20),
  throwingProxy: () => throwingProxy(),
  proxyArray: () => new Proxy(['x'], {}),
};

const build = (r: ValueRecipe): unknown => buildValue(r, TARGETS, LITERALS);
const values = (names: readonly string[]): fc.Arbitrary<ValueRecipe> => valueArb(names, LITERALS, [4, 2, 2]);

type ArgsRecipe = { readonly kind: 'none' } | { readonly kind: 'list'; readonly items: readonly ValueRecipe[]; readonly proxy: boolean } | { readonly kind: 'literal'; readonly name: string };

const argsArb = (names: readonly string[]): fc.Arbitrary<ArgsRecipe> =>
  fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('list' as const), items: fc.array(values(names), { maxLength: 3 }), proxy: fc.boolean() }),
    fc.record({ kind: fc.constant('literal' as const), name: fc.constantFrom(...Object.keys(LITERALS)) }),
  ) as fc.Arbitrary<ArgsRecipe>;

function buildArgs(r: ArgsRecipe): unknown {
  if (r.kind === 'none') return undefined;
  if (r.kind === 'literal') return LITERALS[r.name]!();
  const list = r.items.map(build);
  return r.proxy ? new Proxy(list, {}) : list;
}

type OptionsRecipe =
  | { readonly kind: 'none' }
  | { readonly kind: 'throwingProxy' }
  | { readonly kind: 'scripted'; readonly shape: 'object' | 'proxy' | 'class'; readonly props: Readonly<Record<string, readonly Answer[]>> };

/** `envs`: the environments a script may answer with (the compat property leaves out LD_PRELOAD, which spawn.env denies by default). */
const optionsArb = (names: readonly string[], envs: readonly string[] = ['envPlain', 'envInject']): fc.Arbitrary<OptionsRecipe> =>
  fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'throwingProxy' as const }),
    fc.record({
      kind: fc.constant('scripted' as const),
      shape: fc.constantFrom('object', 'proxy', 'class'),
      props: fc.record(
        {
          shell: scriptArb(['shell'], [false, true, undefined]),
          env: scriptArb(envs, [undefined]),
          cwd: scriptArb(['dir', 'missingDir'], [undefined, 5]),
          argv0: scriptArb(names, [undefined, 5, 'a\0b']),
          execPath: scriptArb(names, [undefined, 'x\0y']),
          timeout: scriptArb([], [5000]),
          stdio: scriptArb([], ['pipe', 'ignore', 'bogus']),
        },
        { requiredKeys: [] },
      ),
    }),
  ) as fc.Arbitrary<OptionsRecipe>;

function buildOptions(r: OptionsRecipe): unknown {
  if (r.kind === 'none') return undefined;
  if (r.kind === 'throwingProxy') return throwingProxy();
  return scripted(r.props, TARGETS, r.shape);
}

const stableValue = (r: ValueRecipe) => r.kind !== 'coercible' || isStable(r.answers);
const stableArgs = (r: ArgsRecipe) => r.kind !== 'list' || r.items.every(stableValue);
const stableOptions = (r: OptionsRecipe) => r.kind !== 'scripted' || Object.values(r.props).every(isStable);

type Form = 'spawnSync' | 'execFileSync' | 'execSync' | 'spawn' | 'execFile' | 'exec';
const FORMS: readonly Form[] = ['spawnSync', 'execFileSync', 'execSync', 'spawn', 'execFile', 'exec'];

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
}

function describeSync(v: unknown): string {
  if (v !== null && typeof v === 'object' && 'status' in v) {
    const r = v as { status: unknown; signal: unknown; error?: unknown; stdout?: unknown };
    return `status=${String(r.status)} signal=${String(r.signal)} error=${r.error ? errorKey(r.error) : '-'} stdout=${text(r.stdout)}`;
  }
  return `value=${text(v)}`;
}

async function invoke(form: Form, file: unknown, args: unknown, options: unknown): Promise<Outcome> {
  const withArgs = args === undefined ? [file] : [file, args];
  const full = options === undefined ? withArgs : [...withArgs, options];
  switch (form) {
    case 'spawnSync':
      return viaSync(() => cp.spawnSync(...(full as [string])), describeSync);
    case 'execFileSync':
      return viaSync(() => cp.execFileSync(...(full as [string])), describeSync);
    case 'execSync':
      return viaSync(() => cp.execSync(...((options === undefined ? [file] : [file, options]) as [string])), describeSync);
    case 'execFile':
      return viaCallback((cb) => cp.execFile(...(full as [string]), cb as never), (rest) => `stdout=${text(rest[0])}`, 5000);
    case 'exec':
      return viaCallback((cb) => cp.exec(...((options === undefined ? [file, cb] : [file, options, cb]) as [string])), (rest) => `stdout=${text(rest[0])}`, 5000);
    case 'spawn': {
      let child: cp.ChildProcess;
      try {
        child = cp.spawn(...(full as [string]));
      } catch (err) {
        return { channel: 'throw', code: errorKey(err) };
      }
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
      return new Promise<Outcome>((resolve) => {
        const timer = setTimeout(() => resolve({ channel: 'timeout' }), 5000);
        child.on('error', (err) => {
          clearTimeout(timer);
          resolve({ channel: 'event-error', code: errorKey(err) });
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ channel: 'events', value: `exit=${String(code)} signal=${String(signal)} stdout=${out}` });
        });
      });
    }
  }
}


function run(form: Form, file: ValueRecipe, args: ArgsRecipe, options: OptionsRecipe): Promise<Outcome> {
  return capturingUncaught(() => invoke(form, build(file), buildArgs(args), buildOptions(options)));
}

function usePolicy(t: Tap.Test, policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
  t.teardown(() => shutdown());
}

t.test('stable hostile values, spawning unrestricted: the same outcome as Node without Palisade', async (t) => {
  usePolicy(t, {});
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FORMS), values(SAFE_FILES), argsArb(['echo', 'marker', 'true']), optionsArb(SAFE_FILES, ['envPlain']), async (form, file, args, options) => {
      fc.pre(stableValue(file) && stableArgs(args) && stableOptions(options));
      const without = await withoutPalisade(() => run(form, file, args, options));
      const withP = await run(form, file, args, options);
      return same(t, withP, without, `${form} ${JSON.stringify([file, args, options])}`);
    }),
    fcParams(150),
  );
  t.pass('every run held');
});

t.test('any hostile value, only true and echo allowed: touch never runs, nothing crashes', async (t) => {
  usePolicy(t, { allow: { 'process.spawn': ['true', 'echo'] } });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FORMS), values([...ALL_FILES, 'shellTouch']), argsArb(['marker', 'touch', 'shellTouch', 'true']), optionsArb(ALL_FILES), async (form, file, args, options) => {
      rmSync(MARKER, { force: true });
      const outcome = await run(form, file, args, options);
      const ran = existsSync(MARKER);
      return !ran || t.notOk(ran, `${form} ${JSON.stringify([file, args, options])} → ${JSON.stringify(outcome)}: touch ran`);
    }),
    fcParams(200),
  );
  t.pass('every run held');
});

let reads = 0;
/** fork of a module named like the marker: if the execPath getter's second answer (touch) were used, touch would create it. */
function invokeFork(options: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    let child: cp.ChildProcess;
    try {
      child = cp.fork(MARKER, [], options as cp.ForkOptions);
    } catch (err) {
      resolve({ channel: 'throw', code: errorKey(err) });
      return;
    }
    child.on('error', (err) => resolve({ channel: 'event-error', code: errorKey(err) }));
    child.on('exit', (code) => resolve({ channel: 'events', value: `exit=${String(code)}` }));
  });
}

t.test('time-of-check/time-of-use: file, arguments, shell and environment that change after the first read', async (t) => {
  usePolicy(t, { allow: { 'process.spawn': ['true', 'echo'] } });
  const later = (first: string, then: string): Answer[] => [{ target: first }, { target: then }];
  const cases: Array<[string, () => Promise<Outcome>]> = [
    ['argument toString: echo then the marker to touch', () => invoke('spawnSync', 'touch', [coercible(later('true', 'marker'), TARGETS, 'toString')], undefined)],
    ['argv0 getter', () => invoke('spawnSync', 'true', [MARKER], scripted({ argv0: later('true', 'touch') }, TARGETS, 'object'))],
    ['shell getter: off at the check, on at the spawn', () => invoke('spawnSync', `true; touch ${MARKER}`, [], scripted({ shell: [{ literal: false }, { target: 'shell' }] }, TARGETS, 'object'))],
    ['shell getter on the prototype', () => invoke('execFileSync', `true; touch ${MARKER}`, [], scripted({ shell: [{ literal: false }, { target: 'shell' }] }, TARGETS, 'class'))],
    ['env getter: clean, then LD_PRELOAD', () => invoke('spawnSync', 'true', [], scripted({ env: later('envPlain', 'envInject') }, TARGETS, 'object'))],
    ['an argument list whose elements change', () => invoke('spawnSync', 'echo', new Proxy(['x'], { get: (tg, k, r) => (k === '0' ? coercible(later('true', 'marker'), TARGETS, 'toString') : Reflect.get(tg, k, r)) }), undefined)],
    ['exec command object', () => invoke('exec', coercible(later('true', 'shellTouch'), TARGETS, 'toString'), undefined, undefined)],
    // Regressions: a first reading Node rejects made Palisade hand Node the caller's objects, read again valid.
    ['execFileSync argv0: invalid, then valid', () => invoke('execFileSync', 'touch', [MARKER], scripted({ argv0: [{ literal: 5 }, { literal: 'x' }] }, TARGETS, 'object'))],
    ['execFile argv0: invalid, then valid', () => invoke('execFile', 'touch', [MARKER], scripted({ argv0: [{ literal: 5 }, { literal: 'x' }] }, TARGETS, 'object'))],
    ['spawnSync argument with NUL, then without', () => invoke('spawnSync', 'touch', new Proxy([MARKER], { get: (tg, k, r) => (k === '0' ? (reads++ === 0 ? 'a\0' : MARKER) : Reflect.get(tg, k, r)) }), undefined)],
    ['fork execPath with NUL, then touch', () => invokeFork(scripted({ execPath: [{ literal: 'x\0' }, { target: 'touchPath' }] }, TARGETS, 'object'))],
  ];
  for (const [what, call] of cases) {
    rmSync(MARKER, { force: true });
    reads = 0;
    const outcome = await capturingUncaught(call);
    t.notOk(existsSync(MARKER), `${what}: touch did not run (${JSON.stringify(outcome)})`);
  }
  // LD_PRELOAD must not reach the child either: it is a code-injecting variable, denied by spawn.env.
  const env = invoke('spawnSync', 'true', [], scripted({ env: later('envPlain', 'envInject') }, TARGETS, 'object'));
  t.match(await env, { channel: 'return', value: /status=0|ERR_PALISADE_DENIED/ });
});

t.test('Object.prototype polluted with spawn options: same outcomes; touch still never runs', async (t) => {
  // (Not `input`: Node would write it to a child that may already have exited, an EPIPE race either way.)
  const keys = ['shell', 'env', 'argv0', 'cwd', 'execPath', 'execArgv', 'detached', 'uid', 'windowsVerbatimArguments', 'stdio'];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...FORMS),
      fc.subarray(keys, { minLength: 1 }),
      fc.constantFrom<unknown>('/bin/sh', true, `touch ${MARKER}`, { LD_PRELOAD: '/x.so' }, MARKER, 'pipe', 0),
      async (form, polluted, value) => {
        const proto = Object.prototype as Record<string, unknown>;
        const during = async <T>(fn: () => Promise<T>): Promise<T> => {
          for (const k of polluted) proto[k] = value;
          try {
            return await fn();
          } finally {
            for (const k of polluted) delete proto[k];
          }
        };
        const file: ValueRecipe = { kind: 'target', name: 'true' };
        const args: ArgsRecipe = { kind: 'list', items: [], proxy: false };
        const opts: OptionsRecipe = { kind: 'scripted', shape: 'object', props: {} };
        shutdown();
        init({ policy: { version: 1, mode: 'enforce' }, source: 'test' });
        const without = await withoutPalisade(() => during(() => run(form, file, args, opts)));
        const withP = await during(() => run(form, file, args, opts));
        shutdown();
        init({ policy: { version: 1, mode: 'enforce', allow: { 'process.spawn': ['true', 'echo'] } }, source: 'test' });
        rmSync(MARKER, { force: true });
        await during(() => run(form, file, args, opts));
        const what = `${form} Object.prototype.{${polluted.join(',')}} = ${JSON.stringify(value)}`;
        return same(t, withP, without, what) && (!existsSync(MARKER) || t.fail(`${what}: touch ran`));
      },
    ),
    fcParams(60),
  );
  shutdown();
  t.pass('every run held');
});
