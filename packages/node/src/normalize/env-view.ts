/**
 * The environment a (possibly nested) command will run with, as far as it is
 * known: values set by the text being analysed may be computed at run time
 * (UNKNOWN). `tainted` holds the code-injecting variables that the caller,
 * rather than the process's own start-up environment, put there.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type EnvValue = string | typeof UNKNOWN;

export class EnvView {
  private constructor(
    private readonly values: ReadonlyMap<string, EnvValue>,
    readonly tainted: ReadonlySet<string>,
  ) {}

  static of(record: Readonly<Record<string, string>>, tainted: Iterable<string> = []): EnvView {
    const values = new Map<string, EnvValue>();
    for (const k of Object.keys(record)) values.set(k, record[k]!);
    return new EnvView(values, new Set(tainted));
  }

  get(name: string): EnvValue | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A copy with `name` set; `taint` marks it as put there by the caller. */
  with(name: string, value: EnvValue, taint: boolean): EnvView {
    const values = new Map(this.values);
    values.set(name, value);
    const tainted = new Set(this.tainted);
    if (taint) tainted.add(name);
    else tainted.delete(name);
    return new EnvView(values, tainted);
  }

  without(name: string): EnvView {
    if (!this.values.has(name)) return this;
    const values = new Map(this.values);
    values.delete(name);
    const tainted = new Set(this.tainted);
    tainted.delete(name);
    return new EnvView(values, tainted);
  }

  /** Everything unset (`env -i`). */
  cleared(): EnvView {
    return new EnvView(new Map(), new Set());
  }

  /** Names of the variables set. */
  names(): IterableIterator<string> {
    return this.values.keys();
  }

  /** Tainted names still set, in a stable order (the guard caches decisions by this list). */
  taintedList(): string[] | undefined {
    if (this.tainted.size === 0) return undefined;
    const out: string[] = [];
    for (const n of this.tainted) if (this.values.has(n)) out.push(n);
    return out.length > 0 ? out.sort() : undefined;
  }
}
