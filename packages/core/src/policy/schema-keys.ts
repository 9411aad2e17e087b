import type { z } from 'zod';

type Def = { type: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown; options?: unknown[]; innerType?: unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } })?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let d = defOf(s); d && (d.type === 'optional' || d.type === 'default' || d.type === 'nullable'); d = defOf(s)) s = d.innerType;
  return s;
}

/** Object schemas reachable at `path` (through lists, records, unions, optionals). */
function objectsAt(schema: unknown, path: readonly PropertyKey[]): unknown[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (!def) return [];
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return def.type === 'object' ? [s] : [];
  const [head, ...rest] = path;
  if (def.type === 'object' && typeof head === 'string' && def.shape && head in def.shape) return objectsAt(def.shape[head], rest);
  if (def.type === 'array') return objectsAt(def.element, rest);
  if (def.type === 'record') return objectsAt(def.valueType, rest);
  return [];
}

/** The keys a strict object at `path` of the schema accepts, for did-you-mean hints. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const o of objectsAt(schema, path)) for (const k of Object.keys(defOf(o)?.shape ?? {})) keys.add(k);
  return [...keys];
}
