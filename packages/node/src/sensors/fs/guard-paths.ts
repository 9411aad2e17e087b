import { type Runtime, type Verdict } from '@palisade/core';
import { pathArg, realLocation, realPath, stringTarget } from '../../normalize/path.js';
import { moduleLoadMayPass } from './module-load.js';
import type { FsOperation } from './operations.js';

/**
 * Checks every path argument of one call. A Buffer or URL argument is replaced
 * in `args` by the value that was checked (a copy or a string), so Node cannot
 * see a different path than the guard did; strings are immutable and stay.
 * Returns the first deny, or undefined when the call may proceed. Arguments
 * Node would reject are left alone for Node to reject.
 */
export function guardPaths(rt: Runtime, op: FsOperation, args: { [i: number]: unknown; length: number }, api: string, wrapper: Function | undefined): Verdict | undefined {
  for (const spec of op.paths) {
    const raw = args[spec.index];
    let target: string;
    if (typeof raw === 'string') {
      if (raw.length === 0 || raw.includes('\0')) continue;
      target = stringTarget(raw, spec.follow);
    } else {
      const arg = pathArg(raw);
      if (!arg) continue;
      target = spec.follow ? realPath(arg.absolute) : realLocation(arg.absolute);
      args[spec.index] = arg.pass;
    }
    for (const cap of spec.caps(args)) {
      let v = rt.view().check(cap, target);
      if (v.action !== 'allow' && wrapper && moduleLoadMayPass(v, target, op.name === 'realpath', wrapper)) continue;
      v = rt.settle(v, api);
      if (v.action === 'deny') return v;
    }
  }
  return undefined;
}
