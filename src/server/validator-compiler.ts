import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Query strings and path parameters arrive as text, so they are coerced to the schema's types ("50" -> 50).
 * JSON bodies already carry types, and coercing them would quietly accept `{"name": 42}` or `["x"]` as a
 * string; bodies are therefore validated strictly.
 */
export function createValidators(sharedSchemas: object[]): { compiler: FastifySchemaCompiler<FastifySchema>; strict: Ajv.default } {
  const base: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };
  const strict = addFormats.default(new Ajv.default({ ...base, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...base, coerceTypes: 'array' }));
  for (const schema of sharedSchemas) {
    strict.addSchema(schema);
    coercing.addSchema(schema);
  }
  return {
    compiler: ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<FastifySchema>>,
    strict,
  };
}
