import { createRequire } from 'node:module';
import { wrap } from '../../wrap.js';
import { guardCode } from './common.js';
import { codeUnseen } from '../../reach.js';

/**
 * The inspector → `code.native`, target `inspector`: an in-process session
 * (`Session#connect`, `#connectToMainThread`) can evaluate code, read closures
 * and change variables, including Palisade's own; `inspector.open()` lets any
 * local client do the same. `inspector/promises` sessions inherit these
 * methods. Denied calls throw, as with Node's permission model.
 */
type AnyFn = (...args: any[]) => any;

function loadInspector(): typeof import('node:inspector') | undefined {
  try {
    // Node built without the inspector throws on require: nothing to guard then.
    return createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
  } catch {
    return undefined;
  }
}

const guarded = (api: string) => (original: AnyFn) =>
  function (this: unknown, ...args: unknown[]): unknown {
    guardCode('code.native', 'inspector', api);
    codeUnseen(); // the inspector evaluates code Palisade does not see
    return Reflect.apply(original, this, args);
  };

export function installInspectorSensor(): void {
  const inspector = loadInspector();
  if (!inspector) return;
  const proto = inspector.Session.prototype as unknown as Record<string, unknown>;
  wrap(proto, 'connect', guarded('inspector.Session.connect'));
  wrap(proto, 'connectToMainThread', guarded('inspector.Session.connectToMainThread'));
  wrap(inspector, 'open', guarded('inspector.open'));
}
