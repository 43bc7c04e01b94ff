import type { JsonSchema } from './openapi-routes.js';

/**
 * Answers one question conservatively: is this value CERTAIN to be refused by this schema, under the app's Ajv
 * options (coerceTypes: 'array', useDefaults)? "Not sure" counts as no, so a request the fuzzer expects to fail
 * really must fail; one it is unsure about is only held to "never a 5xx, never a change".
 */
export function rejects(schema: JsonSchema, value: unknown): boolean {
  if (schema.$ref !== undefined) return false;
  if (schema.anyOf) return schema.anyOf.every((branch) => rejects({ ...withoutCombinators(schema), ...branch }, value));
  if (schema.oneOf) return schema.oneOf.every((branch) => rejects({ ...withoutCombinators(schema), ...branch }, value));
  if (schema.allOf) return schema.allOf.some((branch) => rejects(branch, value));
  const types = schema.type === undefined ? null : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types === null) {
    // Without a type Ajv coerces nothing, so only value constraints can be relied on.
    if (schema.enum) return !schema.enum.some((e) => sameJson(e, value));
    if ('const' in schema) return !sameJson(schema.const, value);
    return false;
  }
  if (matchesType(types, value)) return violates(schema, types, value);
  const coerced = coercions(types, value);
  return coerced.every((v) => violates(schema, types, v));
}

function withoutCombinators(schema: JsonSchema): JsonSchema {
  const { anyOf: _a, oneOf: _o, allOf: _l, ...rest } = schema;
  return rest;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(types: string[], value: unknown): boolean {
  const t = jsonType(value);
  if (t === 'number') return types.includes('number') || (types.includes('integer') && Number.isInteger(value));
  return types.includes(t);
}

/** Every value Ajv's 'array' coercion could turn `value` into for one of `types` (https://ajv.js.org/coercion.html). */
function coercions(types: string[], value: unknown): unknown[] {
  const out: unknown[] = [];
  const t = jsonType(value);
  if (t === 'array') {
    const items = value as unknown[];
    if (items.length === 1 && jsonType(items[0]) !== 'array' && jsonType(items[0]) !== 'object') {
      out.push(items[0], ...coercions(types, items[0]));
    }
    return out.filter((v) => matchesType(types, v));
  }
  if (t === 'object') return [];
  for (const type of types) {
    if (type === 'string' && (t === 'number' || t === 'boolean')) out.push(String(value));
    if (type === 'string' && t === 'null') out.push('');
    if ((type === 'number' || type === 'integer') && t === 'string' && value !== '' && Number(value) === Number(value) && String(value).trim() !== '') out.push(Number(value));
    if ((type === 'number' || type === 'integer') && t === 'boolean') out.push(value ? 1 : 0);
    if ((type === 'number' || type === 'integer') && t === 'null') out.push(0);
    if (type === 'boolean' && (value === 'true' || value === 'false')) out.push(value === 'true');
    if (type === 'boolean' && (value === 1 || value === 0)) out.push(value === 1);
    if (type === 'boolean' && t === 'null') out.push(false);
    if (type === 'null' && (value === '' || value === 0 || value === false)) out.push(null);
    if (type === 'array') out.push([value]);
  }
  return out.filter((v) => matchesType(types, v));
}

function violates(schema: JsonSchema, types: string[], value: unknown): boolean {
  if (schema.enum && !schema.enum.some((e) => sameJson(e, value))) return true;
  if ('const' in schema && !sameJson(schema.const, value)) return true;
  if (typeof value === 'string') {
    // The validator refuses these in every string, whatever the schema (src/server/validator-compiler.ts).
    if (/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) return true;
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) return true;
    if (schema.minLength !== undefined && length < schema.minLength) return true;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return true;
    return false;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) && !types.includes('number')) return true;
    if (schema.minimum !== undefined && value < schema.minimum) return true;
    if (schema.maximum !== undefined && value > schema.maximum) return true;
    return false;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return true;
    if (schema.minItems !== undefined && value.length < schema.minItems) return true;
    return schema.items !== undefined && value.some((item) => rejects(schema.items!, item));
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    if (schema.additionalProperties === false && Object.keys(record).some((k) => !(k in properties))) return true;
    if ((schema.required ?? []).some((k) => !(k in record) && properties[k]?.default === undefined)) return true;
    return Object.entries(record).some(([k, v]) => properties[k] !== undefined && rejects(properties[k]!, v));
  }
  return false;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
