import os from 'node:os';
import { realPath, toAbsolute } from '../../normalize/path.js';
import { wrap } from '../../wrap.js';
import { guardCode } from './common.js';
import { codeUnseen } from '../../reach.js';

/**
 * Native code → `code.native`: native addons (`process.dlopen`, which
 * `require('x.node')` goes through), Node's internal bindings
 * (`process.binding`, `process._linkedBinding`: `binding:fs` reaches the file
 * system with no fs sensor in the way), and starting the inspector by signal
 * (`process.kill(process.pid, 'SIGUSR1')`, `process._debugProcess`), which
 * gives a debugger full control of the process. Targets: the addon's real
 * path (a bare name, searched by the dynamic loader, stays as given),
 * `binding:<name>`, `inspector`.
 */
type AnyFn = (...args: any[]) => any;

const SIGUSR1 = os.constants.signals.SIGUSR1;

/** A path with a slash is a file (relative to the cwd); without one the dynamic loader searches for it. */
export function addonTarget(name: string): string {
  return name.includes('/') ? realPath(toAbsolute(name)) : name;
}

/** Whether a kill reaches this process: its own pid, its process group (0), or any group or all processes (negative). */
function reachesSelf(pid: unknown): boolean {
  const n = Number(pid);
  return n === process.pid || n === 0 || n < 0;
}

function isSigusr1(signal: unknown): boolean {
  return signal === 'SIGUSR1' || signal === SIGUSR1;
}

export function installNativeSensor(): void {
  wrap(process, 'dlopen', (original: AnyFn) =>
    function dlopen(this: unknown, ...args: unknown[]): unknown {
      // Node converts the filename to a string (a Symbol throws); once here, and Node gets that string.
      if (args.length >= 2) {
        const filename = `${args[1] as string}`;
        args[1] = filename;
        guardCode('code.native', addonTarget(filename), 'process.dlopen');
      }
      return Reflect.apply(original, this, args);
    },
  );
  const binding = (api: string) => (original: AnyFn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const name = String(args[0]);
      args[0] = name;
      guardCode('code.native', `binding:${name}`, api);
      return Reflect.apply(original, this, args);
    };
  wrap(process, 'binding', binding('process.binding'));
  wrap(process, '_linkedBinding', binding('process._linkedBinding'));
  wrap(process, '_debugProcess', (original: AnyFn) =>
    function _debugProcess(this: unknown, ...args: unknown[]): unknown {
      guardCode('code.native', 'inspector', 'process._debugProcess', { 'process.pid': Number(args[0]) });
      codeUnseen(); // a debugger may attach and run code Palisade does not see
      return Reflect.apply(original, this, args);
    },
  );
  wrap(process, 'kill', (original: AnyFn) =>
    function kill(this: unknown, ...args: unknown[]): unknown {
      // Objects are converted once, as Node would, so a valueOf/toString cannot answer differently later.
      if (typeof args[0] === 'object' && args[0] !== null) args[0] = Number(args[0]);
      if (typeof args[1] === 'object' && args[1] !== null) args[1] = String(args[1]);
      if (isSigusr1(args[1]) && reachesSelf(args[0])) {
        guardCode('code.native', 'inspector', 'process.kill', { 'process.pid': Number(args[0]) });
        codeUnseen(); // a debugger may attach and run code Palisade does not see
      }
      return Reflect.apply(original, this, args);
    },
  );
}
