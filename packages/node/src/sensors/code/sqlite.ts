import { wrap } from '../../wrap.js';
import { addonTarget } from './native.js';
import { guardCode } from './common.js';

/**
 * `node:sqlite` `DatabaseSync#loadExtension(path)` loads a shared library into
 * the process: `code.native`, target the library's real path (SQLite may add
 * the platform suffix to it). SQL's own `load_extension()` is refused by Node.
 * Guarded where the module loads without an experimental warning (Node >= 24);
 * on Node 22 it is not guarded, so that apps not using it see no warning.
 */
type AnyFn = (...args: any[]) => any;

export function installSqliteSensor(): void {
  if (Number(process.versions.node.split('.')[0]) < 24) return;
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const sqlite = getBuiltin?.('node:sqlite') as { DatabaseSync?: { prototype: object } } | undefined;
  const proto = sqlite?.DatabaseSync?.prototype;
  if (!proto) return;
  wrap(proto, 'loadExtension', (original: AnyFn) =>
    function loadExtension(this: unknown, ...args: unknown[]): unknown {
      // Not a string: Node throws its own error and nothing loads.
      if (typeof args[0] === 'string') guardCode('code.native', addonTarget(args[0]), 'sqlite.DatabaseSync.loadExtension');
      return Reflect.apply(original, this, args);
    },
  );
}
