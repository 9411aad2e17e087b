import { auditVerify } from './commands/audit-verify.js';
import { policyCheck, policySchema } from './commands/policy.js';
import { runCommand } from './commands/run.js';

export interface CliContext {
  /** Absolute path of `palisade/register`, preloaded into commands started by `palisade run`. */
  readonly registerPath?: string;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

const USAGE = `usage: palisade <command>

  run [--policy FILE] [--mode MODE] -- CMD [ARGS...]
                              run CMD (a node program) with Palisade preloaded
  policy check [FILE]         validate a policy (default: the one Palisade would load)
  policy schema               print the policy's JSON Schema
  audit verify FILE           check an audit log's hash chains
  help                        this text
`;

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], ctx: CliContext = {}): Promise<number> {
  const out = ctx.out ?? ((t: string) => process.stdout.write(t));
  const err = ctx.err ?? ((t: string) => process.stderr.write(t));
  const [cmd, sub, ...rest] = argv;
  const io = { out, err };
  switch (cmd) {
    case 'run':
      return runCommand(argv.slice(1), { ...io, registerPath: ctx.registerPath });
    case 'policy':
      if (sub === 'check') return policyCheck(rest, io);
      if (sub === 'schema') return policySchema(io);
      break;
    case 'audit':
      if (sub === 'verify') return auditVerify(rest, io);
      break;
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      out(USAGE);
      return cmd === undefined ? 2 : 0;
  }
  err(`palisade: unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}
