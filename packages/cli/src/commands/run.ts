import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MODES, PalisadePolicyError, loadPolicy, nodeOptionValue, registerPreload } from '@palisade/core';
import type { Io } from './io.js';

/**
 * `palisade run [--policy FILE] [--mode MODE] -- CMD ARGS`: starts CMD with
 * Palisade's preload (`--require <register>`) added to NODE_OPTIONS, so every
 * Node process it starts runs protected. Resolves to the child's exit code.
 */
export async function runCommand(args: readonly string[], io: Io & { registerPath?: string | undefined }): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--policy' && args[i + 1]) env.PALISADE_POLICY = resolve(args[++i]!);
    else if (a === '--mode' && args[i + 1]) {
      const mode = args[++i]!;
      if (!(MODES as readonly string[]).includes(mode)) {
        io.err(`palisade run: --mode ${mode}: expected ${MODES.join(' | ')}\n`);
        return 2;
      }
      env.PALISADE_MODE = mode;
    } else break;
  }
  const [cmd, ...cmdArgs] = args.slice(i);
  if (!cmd) {
    io.err('usage: palisade run [--policy FILE] [--mode MODE] -- CMD [ARGS...]\n');
    return 2;
  }
  if (!io.registerPath) {
    io.err('palisade run: the register module was not found\n');
    return 2;
  }
  const [how, value] = registerPreload(io.registerPath, false);
  const preload = `${how} ${nodeOptionValue(value)}`;
  env.NODE_OPTIONS = [preload, ...backstopFlags(env, io), env.NODE_OPTIONS].filter(Boolean).join(' ');
  return new Promise((resolveExit) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', env });
    child.on('error', (e) => {
      io.err(`palisade run: cannot start ${cmd}: ${e.message}\n`);
      resolveExit(127);
    });
    child.on('exit', (code, signal) => resolveExit(code ?? (signal ? 128 + 1 : 1)));
  });
}

/**
 * When the policy forbids code generation outright, V8's own switch is added
 * too: it also stops eval/Function references taken before Palisade loaded
 * (see docs/threat-model.md). A policy that fails to load is left for the
 * preload to report.
 */
function backstopFlags(env: NodeJS.ProcessEnv, io: Io): string[] {
  try {
    const { policy } = loadPolicy({ env });
    const allowed = policy.allow?.['code.eval'];
    const denied = policy.deny?.['code.eval'];
    const enforcing = (policy.mode ?? 'enforce') === 'enforce';
    if (enforcing && (allowed === false || denied === true)) return ['--disallow-code-generation-from-strings'];
  } catch (e) {
    if (!(e instanceof PalisadePolicyError)) io.err(`palisade run: ${(e as Error).message}\n`);
  }
  return [];
}
