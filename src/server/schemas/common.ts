import { type SchemaOptions, type TSchema, Type } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from '../../domain/error-codes.js';

/** Printable text without control characters; names and descriptions all use it. */
export const Text = (maxLength: number, minLength = 0, options: SchemaOptions = {}) =>
  Type.String({ minLength, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$', ...options });

export const Id = (prefix: string, options: SchemaOptions = {}) =>
  Type.String({ pattern: `^${prefix}_[A-Za-z0-9]{20}$`, maxLength: 32, examples: [`${prefix}_3hK9dQ2mXa7Lp0Rt5VwZ`], ...options });

/**
 * A string enum as `{type, enum}` rather than a union of literals: SDK generators turn `enum` into a named enum
 * type, and Ajv validates the two alike.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-21T09:30:00.000Z'] });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(Object.keys(ERROR_CODES) as ErrorCode[], {
        description: 'Stable and machine-readable: clients may branch on it. The table is in docs/errors.md.',
        examples: ['NOT_FOUND'],
      }),
      message: Type.String({ description: 'For people; may change.', examples: ['Not found.'] }),
      details: Type.Record(Type.String(), Type.Unknown(), {
        description: 'Always an object; what it holds per code is listed in docs/errors.md (empty for most).',
        examples: [{}],
      }),
      requestId: Type.String({ description: 'Matches the X-Request-Id response header and the server log line.', examples: ['req_5f0c2a9e00000k'] }),
    }),
  },
  { $id: 'Error', description: 'The one error body of every route.' },
);

export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page.' });
export const Cursor = Type.String({ minLength: 1, maxLength: 512, description: 'The `nextCursor` of the previous page, with the same filters.' });

/** A named page of `item` (which is a component, referenced): `{items, nextCursor}`. */
export function PageOf<T extends TSchema>(item: T, $id: string) {
  return Type.Object(
    {
      items: Type.Array(Type.Ref(item)),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass back as `cursor` for the next page; null on the last page.' }),
    },
    { $id, description: `One page of ${item.$id} items.` },
  );
}

/**
 * The router's limit on a path parameter, in UTF-16 code units after decoding. Far above every path parameter's
 * schema maxLength (the longest is a 128-character permission name), so the schema, not the router, decides
 * what is too long and answers with a 400 that names the field; test/api/bad-input.test.ts checks every route.
 */
export const ROUTER_MAX_PARAM_LENGTH = 1024;

export const IdParams = (prefix: string) => Type.Object({ id: Id(prefix) }, { additionalProperties: false });

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

const ERROR_MEANING: Record<ErrorStatus, string> = {
  400: 'The request is not valid: a field, a query parameter, the JSON, a cursor, or a credential sent in the URL',
  401: 'No valid credential: missing, unknown, revoked, expired or disabled',
  403: 'The credential may not do this: a missing permission, an escalation, a project restriction or its address',
  404: 'Not found, or not visible to this credential (another organization or project answers the same)',
  409: 'The request conflicts with the current state',
  413: 'The body is over 1 MiB',
  415: 'The body is not application/json',
  429: 'Too many requests: wait for Retry-After seconds',
  503: 'Storage cannot answer; nothing changed, retry after Retry-After seconds',
};

/** Each status a route can answer with an error, with its meaning and the codes the registry has for it. */
export function errorResponses(...statuses: ErrorStatus[]): Record<ErrorStatus, { $ref: string; description: string }> {
  const out = {} as Record<ErrorStatus, { $ref: string; description: string }>;
  for (const status of [...new Set(statuses)].sort()) {
    const codes = Object.entries(ERROR_CODES)
      .filter(([, entry]) => entry.status === status)
      .map(([code]) => code);
    out[status] = { $ref: 'Error#', description: `${ERROR_MEANING[status]}. \`code\` is one of ${codes.join(', ')}.` };
  }
  return out;
}

/** What every route that needs a credential can answer, before its own errors. */
export const CREDENTIAL_ERRORS = [400, 401, 403, 429, 503] as const;
/** Also for every method but GET: a body, even on a route that takes none, is read and checked. */
export const BODY_ERRORS = [413, 415] as const;

/** A success response that is a component, with the response's own description. */
export const ok = (schema: TSchema, description: string) => ({ $ref: `${schema.$id}#`, description });

/** 204: no content. */
export const noContent = (description: string) => Type.Null({ description });
