import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/protected.js';

// `npm run demo` after set-up: the demo agent runs under palisade/register and
// every injected action is blocked or filtered, while the legitimate ones run.
t.test('the demo blocks what the compromised model asks for and lets the rest through', async (t) => {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, join(REPO_ROOT, 'examples', 'demo', 'run.mjs')], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  t.equal(out.code, 0, out.stderr);
  const lines = out.stdout.split('\n');
  // Each result is a line "OUTCOME  what", then an indented detail line.
  const outcome = (what: string) => {
    for (const l of lines) {
      const m = /^\s*(allowed|BLOCKED|FILTERED|failed)\s+(.*)$/.exec(l.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m && m[2]!.startsWith(what)) return m[1];
    }
    return undefined;
  };
  t.equal(outcome('read the product FAQ'), 'allowed');
  t.equal(outcome('ask the model (gpt-4o-mini)'), 'allowed');
  for (const what of ['ask an unapproved model', 'read .env', 'read secrets/api-key.txt', 'read /etc/passwd', 'call delete_database', 'write a file after reading untrusted input', 'curl the cloud metadata', 'fetch the cloud metadata']) {
    t.equal(outcome(what), 'BLOCKED', what);
  }
  t.equal(outcome('model proposes tool calls'), 'FILTERED');
  t.equal(outcome('model answer carrying a key'), 'FILTERED');
  t.notMatch(out.stdout, 'ghp_R7bX2', 'the leaked token never reached the app');
  t.match(out.stdout, /hash chain verified/);
});
