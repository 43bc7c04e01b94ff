import { Type } from '@sinclair/typebox';

/** GET /v1/token-formats: what this deployment's secrets look like. */
export const TokenFormatsView = Type.Object(
  {
  prefix: Type.String({ description: 'LATCHKEY_KEY_PREFIX', examples: ['lk'] }),
  typeSegment: Type.Boolean({ description: 'Whether a secret names its type after the prefix (LATCHKEY_TOKEN_TYPE_SEGMENT)' }),
  types: Type.Array(Type.String(), { description: 'Every token type this deployment issues' }),
  bodyLength: Type.Integer({ description: 'Random base62 characters after the prefix (and type)' }),
  checksum: Type.Object({ algorithm: Type.Literal('crc32'), encoding: Type.Literal('base62'), length: Type.Integer() }),
  patterns: Type.Array(
    Type.Object({
      types: Type.Array(Type.String()),
      regex: Type.String({ description: 'For secret scanners; the syntax common to JavaScript, PCRE, RE2 and Go' }),
    }),
  ),
},
  { $id: 'TokenFormats', description: 'The format of this deployment\'s secrets, generated from its configuration.' },
);
