import { type Runtime, type Verdict } from '@palisade/core';
import { argTarget, pathArg, stringTarget } from '../../normalize/path.js';
import { pinFlag } from './flags.js';
import { moduleLoadMayPass } from './module-load.js';
import type { FsOperation } from './operations.js';

/**
 * Checks every path argument of one call. Anything Node would read again
 * after the check — a Buffer, a URL-like object, an options object whose
 * `flag` decides what the call does — is replaced in `args` by the value that
 * was checked (a copy, a string, a snapshot), so neither a getter nor a Proxy
 * nor a mutable Buffer can show one thing to the guard and another to Node;
 * strings are immutable and stay. Returns the first deny, or undefined when
 * the call may proceed. Values Node rejects are left for Node to reject (from
 * the snapshot). A failure inside the normalization is an internal error
 * (`Runtime#fault`): denied or let through as the policy's `onInternalError` says.
 */
/** fs.realpath and fs.realpathSync (not their .native forms, not fs.promises) turn any value into a string. */
function coerces(op: FsOperation, api: string): boolean {
  return op.name === 'realpath' && (api === 'fs.realpathSync' || api === 'fs.realpath');
}

/** Replaces the options argument whose `flag` decides the call by the snapshot that is checked (see pinFlag). */
function pin(spec: FsOperation['paths'][number], args: { [i: number]: unknown; length: number }): void {
  if (spec.pin !== undefined && spec.pin < args.length) args[spec.pin] = pinFlag(args[spec.pin]);
}

export function guardPaths(rt: Runtime, op: FsOperation, args: { [i: number]: unknown; length: number }, api: string, wrapper: Function | undefined): Verdict | undefined {
  for (const spec of op.paths) {
    // The flag is pinned only once the path is one Node accepts: Node validates the path before it
    // reads `flag`, so for a path it rejects, its own error comes first and the options stay untouched.
    const raw = args[spec.index];
    let target: string;
    if (typeof raw === 'string') {
      if (raw.length === 0 || raw.includes('\0')) continue;
      pin(spec, args);
      try {
        target = stringTarget(raw, spec.follow);
      } catch (err) {
        const v = rt.fault(spec.caps(args)[0] ?? 'fs.read', raw, err, api);
        if (v.action === 'deny') return v;
        continue;
      }
    } else {
      const arg = pathArg(raw, coerces(op, api), spec.pin !== undefined && !api.startsWith('fs.promises.'));
      if (!arg) {
        pin(spec, args);
        continue; // a FileHandle: Node uses its descriptor, checked when it was opened
      }
      args[spec.index] = arg.pass;
      if (arg.absolute === undefined) continue; // Node rejects it
      pin(spec, args);
      try {
        target = argTarget(arg as typeof arg & { absolute: string }, spec.follow);
      } catch (err) {
        const v = rt.fault(spec.caps(args)[0] ?? 'fs.read', arg.absolute, err, api);
        if (v.action === 'deny') return v;
        continue;
      }
    }
    for (const cap of spec.caps(args)) {
      let v = rt.check(cap, target);
      if (v.action !== 'allow' && wrapper && cap === 'fs.read' && moduleLoadMayPass(v, target, op.name === 'realpath', wrapper)) continue;
      v = rt.settle(v, api);
      if (v.action === 'deny') return v;
    }
  }
  return undefined;
}
