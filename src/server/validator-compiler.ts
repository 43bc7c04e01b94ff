import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseIsoInstant } from '../domain/iso-instant.js';
import { isStorableText } from '../domain/storable-text.js';

/** A validator as Fastify calls it: true, or false with Ajv-shaped `errors`. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The first string (value or object key) in `data` the databases would not store as given, as a JSON pointer. */
function unstorableText(data: unknown): string | null {
  // Iterative: free-form fields (metadata) may nest thousands deep, and the walk must not overflow the stack.
  const pending: Array<[unknown, string]> = [[data, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (!isStorableText(key)) return `${path}/${key.replace(/[\u0000\ud800-\udfff]/g, '?')}`;
        pending.push([child, `${path}/${key}`]);
      }
    }
  }
  return null;
}

/**
 * Every request part a route validates (body, query, path parameters, headers) also passes this check, so no
 * NUL and no lone surrogate reaches SQL from any route, whatever its schema says: PostgreSQL refuses NUL (a 500
 * once), and both databases silently replace lone surrogates. One rule in one place instead of a pattern per field.
 */
function withStorableText(validate: ValidateFunction): Validator {
  const wrapped: Validator = (data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors ?? null;
      return false;
    }
    const at = unstorableText(data);
    if (at === null) {
      wrapped.errors = null;
      return true;
    }
    wrapped.errors = [{ instancePath: at, schemaPath: '#', keyword: 'storableText', params: {}, message: 'must not contain NUL characters or unpaired surrogates' }];
    return false;
  };
  return wrapped;
}

/**
 * Query strings and path parameters arrive as text, so they are coerced to the schema's types ("50" -> 50).
 * JSON bodies already carry types, and coercing them would quietly accept `{"name": 42}` or `["x"]` as a
 * string; bodies are therefore validated strictly. `date-time` is the strict ISO 8601 of parseIsoInstant, so a
 * timestamp the schema accepts always converts (ajv-formats lets `23:59:60` through, which Date.parse cannot read).
 */
export function createValidators(sharedSchemas: object[]): { compiler: FastifySchemaCompiler<FastifySchema>; compileBody: (schema: object) => Validator } {
  const base: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };
  const strict = addFormats.default(new Ajv.default({ ...base, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...base, coerceTypes: 'array' }));
  for (const ajv of [strict, coercing]) {
    ajv.addFormat('date-time', { type: 'string', validate: (text: string) => parseIsoInstant(text) !== null });
    for (const schema of sharedSchemas) ajv.addSchema(schema);
  }
  const compileBody = (schema: object) => withStorableText(strict.compile(schema));
  return {
    compiler: ({ schema, httpPart }) =>
      (httpPart === 'body' ? compileBody(schema as object) : withStorableText(coercing.compile(schema as object))) as ReturnType<FastifySchemaCompiler<FastifySchema>>,
    compileBody,
  };
}
