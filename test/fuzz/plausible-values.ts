import fc from 'fast-check';
import type { JsonSchema } from './openapi-routes.js';
import { rejects } from './schema-oracle.js';

type Gen = fc.GeneratorValue;

/** JSON text kept as text: nesting this deep would overflow JSON.stringify in the test itself. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify that splices RawJson in verbatim. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.nat, { max: items.length - 1 })]!;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Strings a schema may well accept but a service must still judge: odd dates, CIDRs, permissions, injections. */
const PLAUSIBLE_STRINGS = [
  "'; DROP TABLE api_keys; --",
  "' OR '1'='1",
  'Robert\'); DELETE FROM projects; --',
  '<img src=x onerror=alert(1)>',
  '__proto__',
  'constructor',
  '🔑 ключ 鍵',
  ' leading and trailing ',
  '%',
  '_',
  'yesterday',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T12:00:00+25:00',
  '-000001-01-01T00:00:00Z',
  '*',
  'latchkey:*',
  'latchkey:keys:write',
  'a:b:c:d:e:f',
  'orders:read',
  '10.0.0.0/8',
  '999.1.1.1/33',
  '::/0',
  '::/129',
  'fe80::1%eth0/64',
  '0.0.0.0/0',
  'owner',
  'admin',
  'superuser',
  'revoke',
  'x'.repeat(64),
];

function plausibleString(g: Gen, schema: JsonSchema): string {
  if (schema.format === 'email') return pick(g, [`fuzz+${g(fc.nat)}@example.test`, "o'brien@example.test", 'OWNER@ACME.TEST', 'owner@acme.test']);
  if (schema.format === 'date-time') return pick(g, ['1970-01-01T00:00:00Z', '2026-01-01T12:00:00Z', '9999-12-31T23:59:59.999Z', '2025-06-01T00:00:00+14:00']);
  const id = /^\^\(?([a-z]+)(?:\|[a-z]+)*\)?_\[A-Za-z0-9\]\{(\d+)\}\$$/.exec(schema.pattern ?? '');
  if (id) return `${id[1]}_${Array.from({ length: Number(id[2]) }, () => pick(g, [...BASE62])).join('')}`;
  const candidates = [...PLAUSIBLE_STRINGS, 'x'.repeat(schema.maxLength ?? 10), g(fc.string, { unit: 'grapheme', maxLength: 30 })].filter((s) => !rejects(schema, s));
  return candidates.length > 0 ? pick(g, candidates) : 'fuzz';
}

/** Deeply nested or oddly keyed JSON for fields that accept anything (metadata and the like). */
function anything(g: Gen): unknown {
  switch (g(fc.nat, { max: 4 })) {
    case 0: {
      const depth = g(fc.integer, { min: 100, max: 20_000 });
      return new RawJson(pick(g, [`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `{"list":${'['.repeat(depth)}${']'.repeat(depth)}}`]));
    }
    case 1:
      return Object.fromEntries(Array.from({ length: g(fc.integer, { min: 0, max: 300 }) }, (_, i) => [`k${i}`, 'v'.repeat(g(fc.nat, { max: 100 }))]));
    case 2:
      return { [pick(g, ['', ' ', 'a.b', '$where', 'k'.repeat(129)])]: g(fc.jsonValue, { maxDepth: 3 }) };
    default:
      return g(fc.jsonValue, { maxDepth: 4 });
  }
}

/**
 * A value shaped to pass the schema (as far as can be told) but chosen to be awkward for the service behind it.
 * Returns undefined for schemas it cannot satisfy.
 */
export function plausibleValue(g: Gen, schema: JsonSchema, depth = 0): unknown {
  if (schema.$ref !== undefined || depth > 6) return undefined;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return plausibleValue(g, pick(g, branches), depth + 1);
  if (schema.enum) return pick(g, schema.enum);
  if ('const' in schema) return schema.const;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return anything(g);
  const type = pick(g, types);
  switch (type) {
    case 'string':
      return plausibleString(g, schema);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000_000;
      return pick(g, [min, max, Math.floor((min + max) / 2), Math.min(max, Math.max(min, 0)), Math.min(max, min + 1)]);
    }
    case 'boolean':
      return g(fc.boolean);
    case 'null':
      return null;
    case 'array': {
      if (!schema.items) return [];
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 5, Math.max(min, 5));
      const length = g(fc.integer, { min, max: Math.max(min, max) });
      const items = Array.from({ length }, () => plausibleValue(g, schema.items!, depth + 1));
      return items.some((i) => i === undefined) ? undefined : items;
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (!required.has(name) && !g(fc.boolean)) continue;
        const value = plausibleValue(g, property, depth + 1);
        if (value === undefined) {
          if (required.has(name)) return undefined;
          continue;
        }
        out[name] = value;
      }
      if (Object.keys(properties).length === 0 && schema.additionalProperties !== false) return anything(g);
      return out;
    }
    default:
      return undefined;
  }
}
