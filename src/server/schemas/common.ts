import { type TSchema, Type } from '@sinclair/typebox';

/** Printable text without control characters; names and descriptions all use it. */
export const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

export const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[A-Za-z0-9]{20}$`, maxLength: 32 });

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
      requestId: Type.String(),
    }),
  },
  { $id: 'Error' },
);

export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
export const Cursor = Type.String({ minLength: 1, maxLength: 512 });

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/**
 * The router's limit on a path parameter, in UTF-16 code units after decoding. Far above every path parameter's
 * schema maxLength (the longest is a 128-character permission name), so the schema, not the router, decides
 * what is too long and answers with a 400 that names the field; test/api/bad-input.test.ts checks every route.
 */
export const ROUTER_MAX_PARAM_LENGTH = 1024;

export const IdParams = (prefix: string) => Type.Object({ id: Id(prefix) }, { additionalProperties: false });

/** Standard error responses, so the OpenAPI document lists them for every route. */
export const ERROR_RESPONSES = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
} as const;
