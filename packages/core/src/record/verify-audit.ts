import { readFileSync } from 'node:fs';
import { GENESIS, sha256 } from './audit-log.js';

export type AuditProblemKind = 'malformed' | 'tampered' | 'reordered' | 'missing' | 'truncated';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly chain?: string | undefined;
  readonly seq?: number | undefined;
  readonly message: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Records whose place in their chain checked out. */
  readonly records: number;
  readonly chains: number;
  /** Torn lines left by a killed writer and acknowledged by the next writer's start record. */
  readonly recoveredTornLines: number;
  /** The first problem found, if any. */
  readonly problem?: AuditProblem | undefined;
}

interface ChainState {
  seq: number;
  hash: string;
}

/**
 * Checks every chain in an audit log: each record's `prev` must be the sha256
 * of its chain's previous line and `seq` must count up by one. Reports the
 * first record that is malformed, edited (tampered), out of order, preceded by
 * a gap (missing), or cut off at the end of the file (truncated).
 */
export function verifyAuditLog(path: string): AuditVerification {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text.length === 0;
  if (endsClean) lines.pop();
  const chains = new Map<string, ChainState>();
  let records = 0;
  let recovered = 0;
  let pendingTorn: number | undefined;
  const result = (problem?: AuditProblem): AuditVerification => ({
    ok: problem === undefined,
    records,
    chains: chains.size,
    recoveredTornLines: recovered,
    problem,
  });

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const isLast = i === lines.length - 1;
    let rec: { seq?: unknown; chain?: unknown; prev?: unknown; type?: unknown; recoveredTornTail?: unknown };
    try {
      rec = JSON.parse(line);
      if (rec === null || typeof rec !== 'object') throw new Error('not an object');
    } catch {
      if (isLast && !endsClean) return result({ kind: 'truncated', line: lineNo, message: 'the last record is cut off (incomplete line)' });
      if (pendingTorn === undefined) {
        pendingTorn = lineNo;
        continue;
      }
      return result({ kind: 'malformed', line: lineNo, message: 'not a JSON record' });
    }
    const { seq, chain, prev } = rec;
    if (typeof seq !== 'number' || typeof chain !== 'string' || typeof prev !== 'string') {
      return result({ kind: 'malformed', line: lineNo, message: 'record lacks seq, chain or prev' });
    }
    if (pendingTorn !== undefined) {
      // A torn line is acceptable only where the next writer to open the file says it recovered one.
      if (rec.type === 'start' && rec.recoveredTornTail === true && seq === 0) {
        recovered++;
        pendingTorn = undefined;
      } else {
        return result({ kind: 'malformed', line: pendingTorn, message: 'not a JSON record' });
      }
    }
    const state = chains.get(chain);
    const where = { line: lineNo, chain, seq };
    if (!state) {
      if (seq !== 0 || prev !== GENESIS) {
        return result({ kind: 'missing', ...where, message: `chain ${chain} starts at seq ${seq}: earlier records are missing` });
      }
    } else if (seq !== state.seq + 1) {
      const expected = `{"seq":${state.seq + 1},"chain":${JSON.stringify(chain)},`;
      const later = lines.slice(i + 1).some((l) => l.startsWith(expected));
      const kind = seq <= state.seq || later ? 'reordered' : 'missing';
      return result({ kind, ...where, message: `chain ${chain}: seq ${seq} follows seq ${state.seq}` });
    } else if (prev !== state.hash) {
      return result({ kind: 'tampered', ...where, message: `chain ${chain}: prev does not match the hash of record seq ${state.seq} (it or this record was changed)` });
    }
    chains.set(chain, { seq, hash: sha256(line) });
    records++;
  }
  if (pendingTorn !== undefined) return result({ kind: 'malformed', line: pendingTorn, message: 'not a JSON record' });
  return result();
}
