import { verifyAuditLog } from '@palisade/core';
import type { Io } from './io.js';

/** `palisade audit verify FILE`: exit 0 when every chain checks out, 1 with the first problem otherwise. */
export function auditVerify(args: readonly string[], io: Io): number {
  const file = args[0];
  if (!file) {
    io.err('usage: palisade audit verify FILE\n');
    return 2;
  }
  let r;
  try {
    r = verifyAuditLog(file);
  } catch (e) {
    io.err(`palisade: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const summary = `${r.records} records in ${r.chains} chain${r.chains === 1 ? '' : 's'}` + (r.recoveredTornLines ? `, ${r.recoveredTornLines} torn line(s) recovered` : '');
  if (r.ok) {
    io.out(`${file}: ok, ${summary}\n`);
    return 0;
  }
  const p = r.problem!;
  io.err(`${file}: line ${p.line}: ${p.kind}: ${p.message} (${summary} verified before it)\n`);
  return 1;
}
