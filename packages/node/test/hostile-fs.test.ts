/**
 * Hostile arguments to the fs sensor (property tests).
 *
 * Every generated value — wrong types, Symbols, Proxies, getters that throw or
 * answer differently on each read, objects with toString/valueOf tricks,
 * functions dressed as URLs, 1 MB paths, NUL bytes, non-UTF-8 Buffers, a
 * polluted Object.prototype — is passed to fs functions in every form (sync,
 * callback, promise, stream):
 *  - values that answer the same on every read, aimed at allowed paths, must
 *    give exactly the outcome Node gives without Palisade (same channel, same
 *    error code, same result);
 *  - any value, aimed anywhere, must never read, change or create anything in
 *    the denied directory (the file system is inspected after each call), and
 *    must never crash the process.
 */
import fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import t from 'tap';
import { type Runtime, init, shutdown } from '@palisade/core';
import { installNodeSensors } from '../src/index.js';
import { type Answer, type Outcome, capturingUncaught, coercible, errorKey, fcParams, HostileError, isStable, same, scriptArb, scripted, throwingProxy, unguarded, viaCallback, viaEvents, viaPromise, viaSync, withoutPalisade } from './helpers/hostile.js';

installNodeSensors();

const SECRET = 'SECRET-CONTENT-0123456789abcdef'; // 31 bytes: a stat of the secret shows size 31
const root = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-hostile-fs-')));
const S = join(root, 's');
t.teardown(() => rmSync(root, { recursive: true, force: true }));


/** The sandbox, recreated before every call: allowed/ (a.txt, sub/) and secret/ (secret-file.txt, dir/). */
function reset(): void {
  unguarded(resetNow);
}

function resetNow(): void {
  rmSync(S, { recursive: true, force: true });
  mkdirSync(join(S, 'allowed', 'sub'), { recursive: true });
  mkdirSync(join(S, 'secret', 'dir'), { recursive: true });
  writeFileSync(join(S, 'allowed', 'a.txt'), 'allowed');
  writeFileSync(join(S, 'secret', 'secret-file.txt'), SECRET);
  // A link from the allowed side into the denied one: reaching through it is reaching the secret.
  symlinkSync(join(S, 'secret'), join(S, 'allowed', 'into-secret'));
}
reset();
const secretStat = () =>
  unguarded(() => {
    const st = statSync(join(S, 'secret', 'secret-file.txt'));
    return `${st.mode}:${st.mtimeMs}:${st.size}`;
  });

const PATHS: Record<string, string> = {
  allowed: join(S, 'allowed', 'a.txt'),
  allowedDir: join(S, 'allowed', 'sub'),
  allowedNew: join(S, 'allowed', 'new.txt'),
  missing: join(S, 'allowed', 'nope', 'x'),
  denied: join(S, 'secret', 'secret-file.txt'),
  deniedDir: join(S, 'secret', 'dir'),
  deniedNew: join(S, 'secret', 'new.txt'),
  viaLink: join(S, 'allowed', 'into-secret', 'secret-file.txt'),
  viaLinkNew: join(S, 'allowed', 'into-secret', 'made', 'by', 'link'),
};
const SAFE = ['allowed', 'allowedDir', 'allowedNew', 'missing'];
const ALL = Object.keys(PATHS);
const TARGETS: Record<string, unknown> = { ...PATHS };
for (const [k, p] of Object.entries(PATHS)) {
  TARGETS[`${k}URL`] = pathToFileURL(p).href;
  TARGETS[`${k}Pathname`] = pathToFileURL(p).pathname;
}

const NON_UTF8 = Buffer.concat([Buffer.from(`${S}/allowed/`), Buffer.from([0xff, 0xfe])]);
/** Values Node itself mostly rejects, built fresh each time (some are mutable). */
const LITERALS: Record<string, () => unknown> = {
  undefined: () => undefined,
  null: () => null,
  zero: () => 0,
  negative: () => -1,
  float: () => 1.5,
  nan: () => NaN,
  huge: () => 2 ** 53,
  bigint: () => 10n,
  true: () => true,
  symbol: () => Symbol('path'),
  emptyArray: () => [],
  emptyObject: () => ({}),
  emptyString: () => '',
  nulInside: () => `${PATHS.allowed}\0${PATHS.denied}`,
  nulBuffer: () => Buffer.from(`${PATHS.allowed}\0x`),
  megabyte: () => `${S}/allowed/${'a'.repeat(1 << 20)}`,
  megabyteOfSegments: () => '/a'.repeat(1 << 19),
  deepMissingChain: () => `${S}/allowed/${'d/'.repeat(300)}x`,
  nonUtf8: () => Buffer.from(NON_UTF8),
  dataView: () => new DataView(Buffer.from(PATHS.allowed).buffer),
  proxyOfBuffer: () => new Proxy(Buffer.from(PATHS.allowed), {}),
  stringObject: () => new String(PATHS.allowed),
  httpURL: () => new URL('http://example.com/etc/passwd'),
  fileURLWithHost: () => new URL(`file://host${PATHS.allowed}`),
  encodedSlash: () => new URL(`file://${S}/allowed%2fa.txt`),
  throwingProxy: () => throwingProxy(),
};

type PathRecipe =
  | { readonly kind: 'plain'; readonly as: 'string' | 'buffer' | 'uint8' | 'url' | 'relative'; readonly target: string }
  | { readonly kind: 'urlLike'; readonly shape: 'object' | 'function' | 'proxy' | 'class'; readonly props: Readonly<Record<string, readonly Answer[]>> }
  | { readonly kind: 'coercible'; readonly via: 'toString' | 'valueOf' | 'toPrimitive'; readonly answers: readonly Answer[] }
  | { readonly kind: 'literal'; readonly name: string };

function buildPath(r: PathRecipe): unknown {
  switch (r.kind) {
    case 'plain': {
      const p = PATHS[r.target]!;
      if (r.as === 'string') return p;
      if (r.as === 'buffer') return Buffer.from(p);
      if (r.as === 'uint8') return new Uint8Array(Buffer.from(p));
      if (r.as === 'url') return pathToFileURL(p);
      return p.slice(root.length + 1); // relative to root, the cwd during the calls
    }
    case 'urlLike':
      return scripted(r.props, TARGETS, r.shape);
    case 'coercible':
      return coercible(r.answers, TARGETS, r.via);
    case 'literal':
      return LITERALS[r.name]!();
  }
}

function stableRecipe(r: PathRecipe): boolean {
  if (r.kind === 'urlLike') return Object.values(r.props).every(isStable);
  if (r.kind === 'coercible') return isStable(r.answers);
  return true;
}

const urlLikeArb = (targets: readonly string[]) =>
  fc.record({
    kind: fc.constant('urlLike' as const),
    shape: fc.constantFrom('object', 'function', 'proxy', 'class'),
    props: fc.record(
      {
        href: scriptArb(targets.map((k) => `${k}URL`), [undefined, '', 'http://x/']),
        protocol: scriptArb([], ['file:', 'file:', 'http:', undefined]),
        auth: scriptArb([], [undefined, undefined, 'user']),
        path: scriptArb([], [undefined, undefined, '/p']),
        hostname: scriptArb([], ['', '', 'evil.example']),
        pathname: scriptArb(targets.map((k) => `${k}Pathname`), ['/a%2fb']),
      },
      { requiredKeys: ['href', 'protocol', 'hostname', 'pathname'] },
    ),
  });

function pathRecipeArb(targets: readonly string[]): fc.Arbitrary<PathRecipe> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('plain' as const), as: fc.constantFrom('string', 'buffer', 'uint8', 'url', 'relative'), target: fc.constantFrom(...targets) }) },
    { weight: 4, arbitrary: urlLikeArb(targets) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('coercible' as const), via: fc.constantFrom('toString', 'valueOf', 'toPrimitive'), answers: scriptArb(targets) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('literal' as const), name: fc.constantFrom(...Object.keys(LITERALS)) }) },
  ) as fc.Arbitrary<PathRecipe>;
}

type OptionsRecipe =
  | { readonly kind: 'none' }
  | { readonly kind: 'encoding'; readonly value: unknown }
  | { readonly kind: 'flag'; readonly shape: 'object' | 'proxy' | 'class'; readonly flag: readonly Answer[]; readonly encoding: readonly Answer[] }
  | { readonly kind: 'throwingProxy' };

const FLAGS = ['r', 'w', 'a', 'r+', 'wx', 'bogus', 0, 1, 2];
const optionsArb: fc.Arbitrary<OptionsRecipe> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('encoding' as const), value: fc.constantFrom('utf8', 'latin1', 'buffer', 'no-such-encoding', 5, null) }),
  fc.record({ kind: fc.constant('flag' as const), shape: fc.constantFrom('object', 'proxy', 'class'), flag: scriptArb([], FLAGS), encoding: scriptArb([], ['utf8', undefined]) }),
  fc.constant({ kind: 'throwingProxy' as const }),
) as fc.Arbitrary<OptionsRecipe>;

function buildOptions(r: OptionsRecipe): unknown {
  if (r.kind === 'none') return undefined;
  if (r.kind === 'encoding') return r.value;
  if (r.kind === 'throwingProxy') return throwingProxy();
  return scripted({ flag: r.flag, encoding: r.encoding }, {}, r.shape);
}

function stableOptions(r: OptionsRecipe): boolean {
  return r.kind !== 'flag' || (isStable(r.flag) && isStable(r.encoding));
}

// ---- the calls ----

interface FsCall {
  readonly name: string;
  readonly forms: readonly ('sync' | 'callback' | 'promise' | 'stream')[];
  /** Arguments from the path values and the options. */
  readonly args: (p: unknown, q: unknown, o: unknown) => unknown[];
  /**
   * Forms in which Node checks both paths at once (fs.promises.cp stats source and destination
   * concurrently): when both fail, which error wins is a race in Node itself.
   */
  readonly racing?: readonly FsCall['forms'][number][];
}

const CALLS: readonly FsCall[] = [
  { name: 'readFile', forms: ['sync', 'callback', 'promise'], args: (p, _q, o) => (o === undefined ? [p] : [p, o]) },
  { name: 'writeFile', forms: ['sync', 'callback', 'promise'], args: (p, _q, o) => (o === undefined ? [p, 'written'] : [p, 'written', o]) },
  { name: 'appendFile', forms: ['sync', 'callback', 'promise'], args: (p, _q, o) => (o === undefined ? [p, 'appended'] : [p, 'appended', o]) },
  { name: 'stat', forms: ['sync', 'callback', 'promise'], args: (p) => [p] },
  { name: 'lstat', forms: ['sync', 'promise'], args: (p) => [p] },
  { name: 'access', forms: ['sync', 'promise'], args: (p) => [p] },
  { name: 'exists', forms: ['sync'], args: (p) => [p] },
  { name: 'readdir', forms: ['sync', 'callback', 'promise'], args: (p) => [p] },
  { name: 'realpath', forms: ['sync', 'promise'], args: (p) => [p] },
  { name: 'open', forms: ['sync', 'callback', 'promise'], args: (p, _q, o) => [p, o === undefined || typeof o === 'object' ? 'r' : o] },
  { name: 'mkdir', forms: ['sync', 'promise'], args: (p) => [p, { recursive: true }] },
  { name: 'rm', forms: ['sync', 'promise'], args: (p) => [p, { recursive: true, force: true }] },
  { name: 'unlink', forms: ['sync', 'callback'], args: (p) => [p] },
  { name: 'truncate', forms: ['sync', 'promise'], args: (p) => [p] },
  { name: 'utimes', forms: ['sync'], args: (p) => [p, 1, 1] },
  { name: 'chmod', forms: ['sync'], args: (p) => [p, 0o600] },
  { name: 'copyFile', forms: ['sync', 'promise'], args: (p, q) => [p, q] },
  { name: 'rename', forms: ['sync', 'callback'], args: (p, q) => [p, q] },
  { name: 'symlink', forms: ['sync'], args: (_p, q) => [PATHS.allowed, q] },
  { name: 'link', forms: ['sync'], args: (p, q) => [p, q] },
  { name: 'cp', forms: ['sync', 'promise'], args: (p, q) => [p, q, { recursive: true }], racing: ['promise'] },
  { name: 'opendir', forms: ['sync'], args: (p) => [p] },
  { name: 'createReadStream', forms: ['stream'], args: (p, _q, o) => (o === undefined ? [p] : [p, o]) },
  { name: 'createWriteStream', forms: ['stream'], args: (p, _q, o) => (o === undefined ? [p] : [p, o]) },
];

function describe(v: unknown): string {
  if (typeof v === 'number') {
    try {
      fs.closeSync(v);
    } catch {
      // not a descriptor
    }
    return 'fd';
  }
  if (Buffer.isBuffer(v)) return `buffer:${v.toString('latin1').slice(0, 80)}`;
  if (typeof v === 'string') return `string:${v.split(root).join('<root>').slice(0, 200)}`;
  if (Array.isArray(v)) return `array:${v.map(String).sort().join(',')}`;
  if (v instanceof fs.Stats) return `stats:${v.isFile()}:${v.isFile() ? v.size : 'dir'}`;
  if (v instanceof fs.Dir) {
    v.closeSync();
    return 'dir';
  }
  if (v !== null && typeof v === 'object' && typeof (v as { close?: unknown }).close === 'function' && typeof (v as { fd?: unknown }).fd === 'number') {
    void (v as { close(): Promise<void> }).close().catch(() => {});
    return 'filehandle';
  }
  return String(v);
}

async function invoke(call: FsCall, form: FsCall['forms'][number], args: unknown[]): Promise<Outcome> {
  const anyFs = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const promises = fs.promises as unknown as Record<string, (...a: unknown[]) => unknown>;
  if (form === 'sync') return viaSync(() => anyFs[`${call.name}Sync`]!(...args), describe);
  if (form === 'promise') return viaPromise(() => promises[call.name]!(...args), describe);
  if (form === 'callback') return viaCallback((cb) => anyFs[call.name]!(...args, cb), (rest) => describe(rest[0]));
  let stream: fs.ReadStream | fs.WriteStream;
  try {
    stream = anyFs[call.name]!(...args) as fs.ReadStream | fs.WriteStream;
  } catch (err) {
    return viaSync(() => {
      throw err;
    }, describe);
  }
  let data = '';
  const ended = viaEvents(stream, 2000, () => `data:${data}`);
  if ('read' in stream) stream.on('data', (d: Buffer) => (data += d.toString('latin1')));
  else {
    try {
      stream.end(); // no chunk: an unknown default encoding would make Node throw later, uncaught, at its own pace
    } catch (err) {
      data = `end threw ${errorKey(err)}`; // Node's own (an encoding it does not know)
    }
  }
  return ended;
}

/** Runs the call in a fresh sandbox with cwd = root; returns its outcome. */
async function runCall(call: FsCall, form: FsCall['forms'][number], build: () => unknown[], fresh = true, around?: { before(): void; after(): void }): Promise<Outcome> {
  if (fresh) reset();
  const cwd = process.cwd();
  process.chdir(root);
  try {
    around?.before();
    return await capturingUncaught(() => invoke(call, form, build()));
  } finally {
    around?.after();
    process.chdir(cwd);
  }
}


function usePolicy(): Runtime {
  const rt = init({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': [`${S}/secret/**`], 'fs.write': [`${S}/secret/**`] } },
    source: 'test',
  });
  t.teardown(() => shutdown());
  return rt;
}

const LEAK = /SECRET-CONTENT|secret-file|stats:true:31/;

/** Nothing in the denied directory was read (per the outcome), changed, or created. */
function secretIntact(t: Tap.Test, outcome: Outcome, what: string, before: string): boolean {
  return unguarded(() => secretIntactNow(t, outcome, what, before));
}

function secretIntactNow(t: Tap.Test, outcome: Outcome, what: string, before: string): boolean {
  const problems: string[] = [];
  if (outcome.value && LEAK.test(outcome.value)) problems.push(`leaked: ${outcome.value.slice(0, 100)}`);
  let content = '';
  try {
    content = readFileSync(join(S, 'secret', 'secret-file.txt'), 'utf8');
  } catch (err) {
    problems.push(`secret file gone: ${(err as Error).message}`);
  }
  if (content !== SECRET && problems.length === 0) problems.push(`secret file changed: ${JSON.stringify(content.slice(0, 40))}`);
  const entries = readdirSync(join(S, 'secret')).sort().join(',');
  if (entries !== 'dir,secret-file.txt') problems.push(`secret directory changed: ${entries}`);
  if (readdirSync(join(S, 'secret', 'dir')).length > 0) problems.push('something created in secret/dir');
  if (problems.length === 0 && secretStat() !== before) problems.push('secret file mode or times changed');
  return problems.length === 0 || t.same(problems, [], `${what}: the denied directory is untouched`);
}

usePolicy();
const callArb = fc.constantFrom(...CALLS.flatMap((c) => c.forms.map((form) => [c, form] as const)));

t.test('stable hostile values aimed at allowed paths: the same outcome as Node without Palisade', async (t) => {
  await fc.assert(
    fc.asyncProperty(callArb, pathRecipeArb(SAFE), pathRecipeArb(SAFE), optionsArb, async ([call, form], p, q, o) => {
      fc.pre(stableRecipe(p) && stableRecipe(q) && stableOptions(o));
      const build = () => call.args(buildPath(p), buildPath(q), buildOptions(o));
      const without = await withoutPalisade(() => runCall(call, form, build));
      const withP = await runCall(call, form, build);
      const what = `${call.name} ${form} ${JSON.stringify([p, q, o])}`;
      if (call.racing?.includes(form) && withP.channel === without.channel && withP.code !== without.code) {
        // Either path's own error is Node's answer: each as Node gives it with the other path valid.
        const alone = async (args: () => unknown[]) => (await withoutPalisade(() => runCall(call, form, args))).code;
        const codes = [await alone(() => call.args(buildPath(p), PATHS.allowedNew, buildOptions(o))), await alone(() => call.args(PATHS.allowed, buildPath(q), buildOptions(o)))];
        return codes.includes(withP.code) || t.same(withP, without, `${what}: same outcome with and without Palisade (either path's error: ${codes.join(', ')})`);
      }
      return same(t, withP, without, what);
    }),
    fcParams(300),
  );
  t.pass('every run held');
});

t.test('any hostile value aimed anywhere: nothing denied is read, changed or created, and nothing crashes', async (t) => {
  await fc.assert(
    fc.asyncProperty(callArb, pathRecipeArb(ALL), pathRecipeArb(ALL), optionsArb, async ([call, form], p, q, o) => {
      const before = (reset(), secretStat());
      const outcome = await runCall(call, form, () => call.args(buildPath(p), buildPath(q), buildOptions(o)), false);
      return secretIntact(t, outcome, `${call.name} ${form} ${JSON.stringify([p, q, o])} → ${JSON.stringify(outcome)}`, before);
    }),
    fcParams(400),
  );
  t.pass('every run held');
});

t.test('time-of-check/time-of-use: the first read names an allowed path, every later read the secret', async (t) => {
  const toctou: Answer[] = [{ target: 'allowedURL' }, { target: 'deniedURL' }];
  const toctouPath: Answer[] = [{ target: 'allowedPathname' }, { target: 'deniedPathname' }];
  await fc.assert(
    fc.asyncProperty(callArb, fc.constantFrom('object', 'function', 'proxy', 'class'), async ([call, form], shape) => {
      const before = (reset(), secretStat());
      const value = () => scripted({ href: toctou, protocol: [{ literal: 'file:' }], hostname: [{ literal: '' }], pathname: toctouPath }, TARGETS, shape as 'object');
      const outcome = await runCall(call, form, () => call.args(value(), value(), undefined), false);
      return secretIntact(t, outcome, `${call.name} ${form} ${shape}`, before);
    }),
    fcParams(120),
  );
  t.pass('every run held');
});

t.test('time-of-check/time-of-use on the flag: read-only at the check, writing at the open', async (t) => {
  // Reading the secret is allowed here; writing it is not. A flag that says 'r' once, then 'w', must not truncate it.
  shutdown();
  init({ policy: { version: 1, mode: 'enforce', deny: { 'fs.write': [`${S}/secret/**`] } }, source: 'test' });
  t.teardown(() => usePolicy());
  const calls = CALLS.filter((c) => ['readFile', 'writeFile', 'appendFile'].includes(c.name));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...calls.flatMap((c) => c.forms.map((f) => [c, f] as const))), fc.constantFrom('object', 'proxy', 'class'), fc.constantFrom('w', 'a', 'r+', 'w+'), async ([call, form], shape, later) => {
      reset();
      const options = () => scripted({ flag: [{ literal: 'r' }, { literal: later }] }, {}, shape as 'object');
      const outcome = await runCall(call, form, () => call.args(PATHS.denied, undefined, options()));
      const content = unguarded(() => readFileSync(PATHS.denied, 'utf8'));
      return content === SECRET || t.equal(content, SECRET, `${call.name} ${form} ${shape} r→${later}: ${JSON.stringify(outcome)}`);
    }),
    fcParams(60),
  );
  t.pass('every run held');
});

t.test('regression: a path Node rejects fails as without Palisade, whatever the option getters do', async (t) => {
  // Found by the property above on Node 24: the flag was pinned (its getter run) before Node validated
  // the path, so a throwing inherited flag getter replaced ERR_INVALID_URL_SCHEME.
  const hostileFlag = () =>
    Object.create(
      Object.create(null, {
        flag: { get: () => { throw Object.assign(new Error('hostile flag'), { code: 'EHOSTILE' }); }, enumerable: true },
        encoding: { get: () => 'utf8', enumerable: true },
      }),
    );
  for (const [what, path] of [['http URL', new URL('http://example.com/x')], ['empty string', ''], ['NUL byte', 'a\0b']] as const) {
    const withPalisade = viaSync(() => fs.readFileSync(path as never, hostileFlag()), describe);
    const without = unguarded(() => viaSync(() => fs.readFileSync(path as never, hostileFlag()), describe));
    t.same(withPalisade, without, `${what}: the same error as without Palisade`);
  }
});

t.test('regression: a flag planted on Object.prototype by another option’s getter is the flag Node uses, and the one checked', async (t) => {
  shutdown();
  init({ policy: { version: 1, mode: 'enforce', deny: { 'fs.write': [`${S}/secret/**`] } }, source: 'test' });
  t.teardown(() => usePolicy());
  reset();
  const proto = Object.prototype as { flag?: unknown };
  const options = {
    get encoding() {
      proto.flag = 'w';
      return 'utf8';
    },
  };
  let outcome: Outcome;
  try {
    outcome = viaSync(() => fs.readFileSync(PATHS.denied, options as never), describe);
  } finally {
    delete proto.flag;
  }
  t.match(outcome, { channel: 'throw', code: 'ERR_PALISADE_DENIED' }, 'checked as the write it is');
  t.equal(unguarded(() => readFileSync(PATHS.denied, 'utf8')), SECRET, 'not truncated');
  // A getter and setter planted on Object.prototype.flag: 'r' to the first reading, 'w' to the next.
  let reads = 0;
  const planting = {
    get encoding() {
      Object.defineProperty(Object.prototype, 'flag', { get: () => (reads++ === 0 ? 'r' : 'w'), set: () => {}, configurable: true });
      return 'utf8';
    },
  };
  try {
    outcome = viaSync(() => fs.readFileSync(PATHS.denied, planting as never), describe);
  } finally {
    delete proto.flag;
  }
  t.equal(unguarded(() => readFileSync(PATHS.denied, 'utf8')), SECRET, `a planted accessor does not truncate it either (${JSON.stringify(outcome)})`);
});

t.test('Object.prototype polluted with path-shaped properties: same outcomes, nothing denied reached', async (t) => {
  // (Not `fd`: Node would then read whatever descriptor the number names in this process.)
  // (Nor `encoding`: with an encoding it does not know, a stream throws uncaught at its own pace, with or without Palisade.)
  const keys = ['href', 'protocol', 'hostname', 'pathname', 'flag', 'flags', 'recursive', 'path', 'mode', 'filter', 'force'];
  await fc.assert(
    fc.asyncProperty(
      callArb,
      pathRecipeArb(SAFE),
      fc.subarray(keys, { minLength: 1 }),
      fc.constantFrom<unknown>(PATHS.denied, pathToFileURL(PATHS.denied).href, 'file:', '', 'w', true, 3, () => true),
      async ([call, form], p, polluted, value) => {
        fc.pre(stableRecipe(p));
        const build = () => call.args(buildPath(p), buildPath(p), undefined);
        const proto = Object.prototype as Record<string, unknown>;
        const pollute = () => {
          for (const k of polluted) proto[k] = value;
        };
        const clean = () => {
          for (const k of polluted) delete proto[k];
        };
        const around = { before: pollute, after: clean };
        const without = await withoutPalisade(() => runCall(call, form, build, true, around));
        const before = (reset(), secretStat());
        const withP = await runCall(call, form, build, false, around);
        const what = `${call.name} ${form} ${JSON.stringify(p)} Object.prototype.{${polluted.join(',')}} = ${String(value)}`;
        return same(t, withP, without, what) && secretIntact(t, withP, what, before);
      },
    ),
    fcParams(150),
  );
  t.pass('every run held');
});

t.test('regression: mkdir -p of a chain deeper than 64 missing levels under a symlink into the denied directory', async (t) => {
  reset();
  const deep = join(S, 'allowed', 'into-secret', ...Array.from({ length: 100 }, (_, i) => `d${i}`));
  const outcome = viaSync(() => fs.mkdirSync(deep, { recursive: true }), describe);
  t.match(outcome, { channel: 'throw', code: 'ERR_PALISADE_DENIED' });
  t.same(unguarded(() => readdirSync(join(S, 'secret')).sort()), ['dir', 'secret-file.txt'], 'nothing was created in the denied directory');
});

t.test('HOSTILE errors surface as they would without Palisade', async (t) => {
  const proxy = throwingProxy();
  t.throws(() => fs.readFileSync(proxy as never), { code: 'EHOSTILE' }, 'sync: the trap’s own error');
  await t.rejects(fs.promises.readFile(throwingProxy() as never), { code: 'EHOSTILE' }, 'promise: a rejection, as Node’s async function gives');
  let reads = 0;
  const once = {
    get href() {
      reads++;
      throw new HostileError();
    },
  };
  t.throws(() => fs.writeFileSync(once as never, 'x', 'no-such-encoding'), { code: 'ERR_INVALID_ARG_VALUE' }, 'Node validates the encoding first, as without Palisade');
  t.throws(() => fs.writeFileSync(once as never, 'x'), { code: 'EHOSTILE' }, 'then meets the throwing read');
  t.equal(reads, 2, 'the caller’s getter ran once per call');
});
