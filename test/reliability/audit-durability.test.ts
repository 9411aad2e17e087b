/**
 * Audit durability, CI size (the full 50 runs: `npm run bench:soak`): an app
 * that logs heavily — every deny written before the denied call returns,
 * alerts batched, megabyte batches now and then — is SIGKILLed at a different
 * moment in each run. `verifyAuditLog` must accept every complete record and
 * report at most the torn last line; every deny the app saw must be in the
 * log; the next writer to open the file must leave it verifying.
 */
import t from 'tap';
// @ts-expect-error plain ESM module, no types
import { durabilityRun } from '../../benchmarks/soak/lib.mjs';

const RUNS = Number(process.env.PALISADE_DURABILITY_RUNS ?? 10);

interface Run {
  n: number;
  delayMs: number;
  killedBy: string | null;
  records: number;
  denies: number;
  alerts: number;
  printed: number;
  missing: number;
  torn: boolean;
  problem: string | null;
  acceptable: boolean;
  recoveredOk: boolean;
  recoveredTornLines: number;
}

let denies = 0;
for (let n = 0; n < RUNS; n++) {
  t.test(`run ${n}: killed mid-logging`, async (t) => {
    const r = (await durabilityRun(n)) as Run;
    t.equal(r.killedBy, 'SIGKILL', `killed after ${r.delayMs} ms`);
    t.ok(r.printed > 0, `the app saw ${r.printed} denies before it was killed`);
    t.ok(r.alerts > 0, 'batched alerts were written too');
    t.ok(r.acceptable, `the log verifies, or only its last line is torn (${r.problem ?? 'intact'})`);
    t.equal(r.missing, 0, 'every deny the app saw is in the log');
    t.ok(r.denies >= r.printed, 'no fewer denies logged than seen');
    t.ok(r.recoveredOk, 'after the next writer opens it, the whole file verifies');
    t.ok(r.recoveredTornLines <= 1, 'at most one torn line was recovered');
    denies += r.printed;
  });
}

t.test('the runs together', async (t) => {
  t.ok(denies > RUNS * 50, `${denies} denies seen across the runs`);
});
