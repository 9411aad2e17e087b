/**
 * Compatibility scenarios: one script, run twice in real child processes —
 * plainly, and under `node --import palisade/register` with a policy that
 * allows everything the scenario does — and the two runs must print the same
 * results and the same errors, line for line.
 *
 * A scenario is the body of `async function main(load, out, err)`:
 *  - `load(name)`: the package (ESM: `import()`; CJS: `require()`, or
 *    `import()` for ESM-only packages), default export unwrapped;
 *  - `out(step, value)`: prints one comparable JSON line;
 *  - `err(e)`: an error as `{ name, code, status }` plus whatever is stable
 *    about it (messages mention ports and paths, so they are left out).
 * Ports and the working directory are replaced by placeholders in every line.
 *
 * Each script ends with canaries that are not compared: the protected run's
 * policy denies reading `palisade-canary.txt` and connecting to 127.0.0.2,
 * and the scenario makes the library itself try the second (`canary()`):
 * denied under Palisade, refused without it. That shows the library's traffic
 * really went through the sensors in the run that matched.
 */
import type { Test } from 'tap';
import { type ProtectedRun, cleanup, runProtected, workDir } from '../helpers/protected.js';

export const POLICY = {
  version: 1,
  mode: 'enforce',
  deny: { 'fs.read': ['**/palisade-canary.txt'], 'net.connect': ['127.0.0.2'] },
};

const PRELUDE = String.raw`
const __cwd = process.cwd();
const __ports = new Map();
function __scrub(text) {
  let s = String(text).split(__cwd).join('<cwd>');
  s = s.replace(/(127\.0\.0\.1|localhost|\[::1\]|::1)([:/ ]+)(\d{2,5})/g, (m, host, sep, port) => {
    if (!__ports.has(port)) __ports.set(port, 'PORT' + __ports.size);
    return host + sep + __ports.get(port);
  });
  return s;
}
function out(step, value) {
  process.stdout.write(__scrub(JSON.stringify({ step, value: value === undefined ? null : value })) + '\n');
}
function err(e) {
  if (e === null || typeof e !== 'object') return { thrown: typeof e, value: String(e) };
  const o = { name: e.name, code: e.code ?? null, message: typeof e.message === 'string' ? e.message.slice(0, 300) : null };
  if (e.status !== undefined) o.status = e.status;
  if (e.statusCode !== undefined) o.statusCode = e.statusCode;
  if (e.exitCode !== undefined) o.exitCode = e.exitCode;
  if (e.errno !== undefined) o.errno = e.errno;
  if (e.syscall !== undefined) o.syscall = e.syscall;
  if (e.cause && typeof e.cause === 'object') o.cause = { name: e.cause.name, code: e.cause.code ?? null };
  return o;
}
async function step(name, fn) {
  try {
    out(name, { ok: await fn() });
  } catch (e) {
    out(name, { error: err(e) });
  }
}
function canaryLine(what, e) {
  process.stdout.write(JSON.stringify({ canary: what, code: e === undefined ? 'none' : (e?.code ?? e?.cause?.code ?? e?.name ?? String(e)), denied: JSON.stringify(err(e)).includes('ERR_PALISADE_DENIED') || String(e?.message ?? '').includes('Palisade denied') }) + '\n');
}
async function canary(what, fn) {
  try {
    await fn();
    canaryLine(what, undefined);
  } catch (e) {
    canaryLine(what, e);
  }
}
`;

const EPILOGUE = String.raw`
await canary('fs', () => require_fs().readFileSync('palisade-canary.txt', 'utf8'));
`;

export interface Scenario {
  /** Body of `async function main(load, out, err)`; may call `canary(what, fn)` for the library's own network canary. */
  readonly body: string;
  /** Extra files in the working directory. */
  readonly files?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

function script(kind: 'esm' | 'cjs', body: string): string {
  if (kind === 'esm') {
    return `import { createRequire as __cr } from 'node:module';
const require_fs = () => __cr(import.meta.url)('node:fs');
const require_stream = () => __cr(import.meta.url)('node:stream');
const require_net = () => __cr(import.meta.url)('node:net');
const require_url = () => __cr(import.meta.url)('node:url');
const require_path = () => __cr(import.meta.url)('node:path');
const load = async (name) => { const m = await import(name); return m.default ?? m; };
${PRELUDE}
async function main() {
${body}
}
await main();
${EPILOGUE}
process.exit(0);
`;
  }
  return `const require_fs = () => require('node:fs');
const require_stream = () => require('node:stream');
const require_net = () => require('node:net');
const require_url = () => require('node:url');
const require_path = () => require('node:path');
const load = async (name) => {
  try { return require(name); }
  catch (e) { if (e.code !== 'ERR_REQUIRE_ESM' && e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e; const m = await import(name); return m.default ?? m; }
};
${PRELUDE}
async function main() {
${body}
}
(async () => {
  await main();
  ${EPILOGUE}
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(3); });
`;
}

interface Split {
  readonly lines: string[];
  readonly canaries: Array<{ canary: string; code: string; denied: boolean }>;
}

function split(r: ProtectedRun): Split {
  const lines: string[] = [];
  const canaries: Split['canaries'] = [];
  for (const raw of r.stdout.split('\n')) {
    if (raw.trim() === '') continue;
    if (raw.startsWith('{"canary"')) canaries.push(JSON.parse(raw) as Split['canaries'][number]);
    else lines.push(raw);
  }
  return { lines, canaries };
}

/** Runs `scenario` as ESM and as CommonJS, each with and without Palisade, and compares. */
export async function compare(t: Test, name: string, scenario: Scenario): Promise<void> {
  for (const kind of ['esm', 'cjs'] as const) {
    await t.test(`${name} (${kind === 'esm' ? 'ESM' : 'CommonJS'})`, async (t) => {
      const scriptName = kind === 'esm' ? 'app.mjs' : 'app.cjs';
      const files = { 'palisade-canary.txt': 'canary', ...scenario.files };
      const source = script(kind, scenario.body);
      const dirs = [workDir('compat-plain-'), workDir('compat-guarded-')];
      const [plain, guarded] = await Promise.all([
        runProtected({ script: source, scriptName, files, preload: 'none', timeoutMs: scenario.timeoutMs ?? 30_000 }, dirs[0]),
        runProtected({ script: source, scriptName, files, policy: POLICY, timeoutMs: scenario.timeoutMs ?? 30_000 }, dirs[1]),
      ]);
      t.equal(plain.code, 0, `runs to the end without Palisade (stderr: ${plain.stderr.slice(0, 400)})`);
      t.equal(guarded.code, 0, `runs to the end under palisade/register (stderr: ${guarded.stderr.slice(0, 400)})`);
      const a = split(plain);
      const b = split(guarded);
      t.ok(a.lines.length > 3, 'the scenario reported its steps');
      t.same(b.lines, a.lines, 'every step gives the same result or the same error');
      t.notMatch(guarded.stderr, /Palisade internal error|PALISADE_INTERNAL_ERROR/, 'no internal error under Palisade');
      for (const c of b.canaries) t.ok(c.denied, `canary ${c.canary}: denied under Palisade (sensors on the library's path)`);
      for (const c of a.canaries) t.notOk(c.denied, `canary ${c.canary}: not denied without Palisade (${c.code})`);
      t.equal(b.canaries.length, a.canaries.length);
      t.ok(b.canaries.length >= 1);
      if (process.env.PALISADE_COMPAT_KEEP) t.comment(`kept: ${dirs.join(" ")}`);
      else if (t.passing()) for (const d of dirs) cleanup(d);
    });
  }
}
