import { CAPABILITIES, PalisadePolicyError, findPolicyFile, loadPolicy, policyJsonSchema, readPolicyFile, compilePolicy } from '@palisade/core';
import type { Io } from './io.js';

/** `palisade policy check [FILE]`: exit 0 and a summary when valid, 1 and one line per problem when not. */
export function policyCheck(args: readonly string[], io: Io): number {
  try {
    const file = args[0];
    const loaded = file ? { policy: readPolicyFile(file), source: file } : loadPolicy();
    compilePolicy(loaded.policy, { source: loaded.source });
    const p = loaded.policy;
    const listed = (m: typeof p.allow) => CAPABILITIES.filter((c) => m?.[c] !== undefined);
    io.out(
      `${loaded.source}: valid (mode ${p.mode ?? 'enforce'}; allow lists: ${listed(p.allow).join(', ') || 'none'}; ` +
        `deny lists: ${listed(p.deny).join(', ') || 'none'}; ${p.scopes?.length ?? 0} scopes, ${p.flows?.length ?? 0} flows)\n`,
    );
    if (!file && !findPolicyFile()) io.out('no policy file found: this is the recommended preset\n');
    return 0;
  } catch (e) {
    if (e instanceof PalisadePolicyError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export function policySchema(io: Io): number {
  io.out(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  return 0;
}
