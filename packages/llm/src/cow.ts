/**
 * Copy-on-write edits of a request body: each object or array on the path to
 * an edited value is copied once, everything else is shared. The caller's
 * body is never modified (the app may reuse its message list).
 */
export type Path = ReadonlyArray<string | number>;

export class CopyOnWrite<T extends object> {
  private readonly copies = new WeakSet<object>();
  private current: T;
  private changed = false;

  constructor(root: T) {
    this.current = root;
  }

  get value(): T {
    return this.current;
  }

  get modified(): boolean {
    return this.changed;
  }

  private copyOf<O extends object>(o: O): O {
    if (this.copies.has(o)) return o;
    const c = (Array.isArray(o) ? o.slice() : { ...o }) as O;
    this.copies.add(c);
    return c;
  }

  set(path: Path, value: unknown): void {
    if (path.length === 0) throw new TypeError('empty path');
    this.current = this.copyOf(this.current);
    let node = this.current as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const child = node[key];
      if (child === null || typeof child !== 'object') throw new TypeError(`no object at ${path.slice(0, i + 1).join('.')}`);
      const copy = this.copyOf(child as object);
      node[key] = copy;
      node = copy as Record<string | number, unknown>;
    }
    node[path[path.length - 1]!] = value;
    this.changed = true;
  }
}

export function getPath(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
