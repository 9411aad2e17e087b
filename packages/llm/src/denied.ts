/**
 * What a guarded SDK method returns when Palisade refuses the call before any
 * network I/O: a promise that rejects only when awaited (like the SDKs'
 * APIPromise, which never rejects on its own), so a caller that only uses
 * `.withResponse()` does not also get an unhandled rejection, and that has
 * the APIPromise methods SDK helpers call.
 */
export class DeniedPromise<T = never> extends Promise<T> {
  static override get [Symbol.species]() {
    return Promise;
  }

  readonly #error: Error;

  constructor(error: Error) {
    super((resolve) => resolve(null as T));
    this.#error = error;
  }

  #rejection(): Promise<T> {
    return Promise.reject(this.#error);
  }

  override then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#rejection().then(onfulfilled, onrejected);
  }

  override catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.#rejection().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#rejection().finally(onfinally);
  }

  parse(): Promise<T> {
    return this.#rejection();
  }

  asResponse(): Promise<never> {
    return Promise.reject(this.#error);
  }

  withResponse(): Promise<never> {
    return Promise.reject(this.#error);
  }

  _thenUnwrap(): this {
    return this;
  }
}
