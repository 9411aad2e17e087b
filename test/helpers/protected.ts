/**
 * Runs a script in a real child process under `node --import palisade/register`,
 * exactly as a user does, in a fresh working directory inside the repository
 * (so the bare specifier `palisade/register` resolves through node_modules).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK_ROOT = join(REPO_ROOT, 'test', '.work');

export interface ProtectedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Working directory the script ran in (kept until `cleanup`). */
  readonly dir: string;
  /** Parsed audit log lines, when the policy wrote one to `palisade-audit.jsonl` in `dir`. */
  readonly audit: Array<Record<string, unknown>>;
  /** Lines the script printed that parse as JSON (a convenient way for scripts to report). */
  readonly json: Array<Record<string, unknown>>;
}

export interface RunOptions {
  /** Policy object written to palisade.policy.json in the working directory; omit for no file. */
  readonly policy?: unknown;
  /** Script source; its extension decides ESM (`.mjs`) or CommonJS (`.cjs`). */
  readonly script: string;
  readonly scriptName?: string;
  /** Extra files to create in the working directory (relative path → content). */
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `import` (default), `require`, or `none` to start without the preload. */
  readonly preload?: 'import' | 'require' | 'none';
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
  readonly node?: string;
}

export function workDir(prefix = 'run-'): string {
  mkdirSync(WORK_ROOT, { recursive: true });
  return mkdtempSync(join(WORK_ROOT, prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function parseLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      out.push(JSON.parse(s));
    } catch {
      // not a JSON line
    }
  }
  return out;
}

export async function runProtected(opts: RunOptions, dir = workDir()): Promise<ProtectedRun> {
  const scriptName = opts.scriptName ?? 'app.mjs';
  if (opts.policy !== undefined) writeFileSync(join(dir, 'palisade.policy.json'), JSON.stringify(opts.policy, null, 2));
  for (const [name, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, scriptName), opts.script);
  const preload = opts.preload ?? 'import';
  const args = [
    ...(preload === 'none' ? [] : [preload === 'import' ? '--import' : '--require', 'palisade/register']),
    ...(opts.nodeArgs ?? []),
    scriptName,
    ...(opts.args ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's own settings (its loader, coverage, process tracking) must
  // not leak into the app under test.
  for (const k of Object.keys(env)) if (k.startsWith('_TAPJS') || k.startsWith('TAP') || k === 'NODE_V8_COVERAGE') delete env[k];
  delete env.NODE_OPTIONS;
  delete env.PALISADE_POLICY;
  delete env.PALISADE_MODE;
  delete env.PALISADE_AUDIT;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // The test runner hooks child_process in this process and adds its own
  // NODE_OPTIONS to every child; `env -u` takes them off again before node starts.
  const wanted = opts.env?.NODE_OPTIONS;
  const envArgs = ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', ...(wanted !== undefined ? [`NODE_OPTIONS=${wanted}`] : [])];
  return new Promise((resolveRun, reject) => {
    const child = spawn('env', [...envArgs, opts.node ?? process.execPath, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const auditPath = join(dir, 'palisade-audit.jsonl');
      const audit = existsSync(auditPath) ? parseLines(readFileSync(auditPath, 'utf8')) : [];
      resolveRun({ code, signal, stdout, stderr, dir, audit, json: parseLines(stdout) });
    });
  });
}
