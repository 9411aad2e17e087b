import { activeRuntime } from '@palisade/core';
import { type Adapter, type CallShape, guardedCall } from './call.js';
import { wrapMethod } from './wrap.js';

type Ctor = { prototype?: Record<string, unknown> } & Record<string, unknown>;

function classAt(root: unknown, path: readonly string[]): Ctor | undefined {
  let node = root as Record<string, unknown> | undefined;
  for (const key of path) {
    if (node === null || (typeof node !== 'function' && typeof node !== 'object')) return undefined;
    node = node[key] as Record<string, unknown> | undefined;
  }
  return typeof node === 'function' ? (node as Ctor) : undefined;
}

/** Wraps `create` on the resource class found at `path` under the client class. Returns true when it wrapped. */
export function patchCreate(client: unknown, path: readonly string[], adapter: Adapter): boolean {
  const cls = classAt(client, path);
  const proto = cls?.prototype;
  if (!proto || typeof proto.create !== 'function') return false;
  return wrapMethod(proto, 'create', (original) =>
    function (this: unknown, ...args: unknown[]) {
      return guardedCall(adapter, original, this, args);
    },
  );
}

/** The client class a module (CJS exports or ESM namespace) exposes. */
export function clientClass(exported: unknown, name: string): unknown {
  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) return undefined;
  const e = exported as Record<string, unknown>;
  for (const c of [e[name], e.default, exported]) if (typeof c === 'function' && (c as { name?: string }).name === name) return c;
  const d = e.default as Record<string, unknown> | undefined;
  if (d && typeof d === 'object' && typeof d[name] === 'function') return d[name];
  return undefined;
}

export function reportPatchError(what: string, err: unknown): void {
  activeRuntime()?.recorder.internalError(`llm sensor (${what})`, err);
}

/** `client.post(path, { body })`: the body sits in the options; the client is the resource's client. */
const CLIENT_POST: CallShape = {
  body: (args) => {
    const opts = args[1] as { body?: unknown } | null | undefined;
    return opts !== null && typeof opts === 'object' && typeof (opts as { then?: unknown }).then !== 'function' ? opts.body : undefined;
  },
  withBody: (args, body) => [args[0], { ...(args[1] as object), body }, ...args.slice(2)],
  resource: (thisArg) => ({ _client: thisArg }),
};

/** The request path without query, with one leading slash: what `post()` is aimed at. */
function routeOf(path: unknown): string {
  if (typeof path !== 'string') return '';
  const bare = path.split(/[?#]/)[0]!.replace(/\/+/g, '/');
  return bare.startsWith('/') ? bare : `/${bare}`;
}

/**
 * Wraps the client's generic `post()`, so a model call made through it (not
 * through a resource method) is guarded like one. The resource methods call
 * `post()` themselves; those nested calls pass straight through.
 */
export function patchPost(client: unknown, routes: ReadonlyArray<readonly [RegExp, Adapter]>): boolean {
  let proto = (client as { prototype?: object } | undefined)?.prototype;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'post')) proto = Object.getPrototypeOf(proto) as object | undefined;
  if (!proto) return false;
  return wrapMethod(proto, 'post', (original) =>
    function (this: unknown, ...args: unknown[]) {
      const route = routeOf(args[0]);
      for (const [re, adapter] of routes) if (re.test(route)) return guardedCall(adapter, original, this, args, CLIENT_POST);
      return original.apply(this, args);
    },
  );
}
