/**
 * A small JSON Schema checker for the keywords the policy schema uses (type,
 * properties, required, additionalProperties, propertyNames, items, anyOf,
 * enum, const, minLength, minItems, pattern, minimum, maximum). Returns the
 * paths that fail, empty when the value is valid. Unknown keywords fail
 * loudly, so the schema cannot grow past what this checks without notice.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set(['$schema', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'anyOf', 'enum', 'const', 'minLength', 'minItems', 'pattern', 'minimum', 'maximum', 'default']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function schemaErrors(schema: Schema, value: unknown, at = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`${at}: unsupported keyword ${k}`);
  const errors: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((ty) => ty === t || (ty === 'number' && t === 'integer'))) return [`${at}: ${t} is not ${types.join('|')}`];
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${at}: not one of the enum`);
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => schemaErrors(s as Schema, value, at).length === 0)) errors.push(`${at}: matches no alternative`);
  if (t === 'string') {
    const s = value as string;
    if (typeof schema.minLength === 'number' && s.length < schema.minLength) errors.push(`${at}: too short`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(s)) errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (t === 'number' || t === 'integer') {
    if (typeof schema.minimum === 'number' && (value as number) < schema.minimum) errors.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && (value as number) > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (t === 'array') {
    const a = value as unknown[];
    if (typeof schema.minItems === 'number' && a.length < schema.minItems) errors.push(`${at}: too few items`);
    if (schema.items) a.forEach((v, i) => errors.push(...schemaErrors(schema.items as Schema, v, `${at}[${i}]`)));
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(o)) {
      if (schema.propertyNames) errors.push(...schemaErrors(schema.propertyNames as Schema, k, `${at}.${k}(name)`));
      if (k in props) errors.push(...schemaErrors(props[k]!, v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...schemaErrors(schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  return errors;
}
