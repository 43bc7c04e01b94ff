import { Type } from '@sinclair/typebox';
import { TOKEN_BODY_LENGTH, TOKEN_CHECKSUM_LENGTH, TOKEN_TYPES } from '../../../domain/token-format.js';
import { scannerPatterns } from '../../../domain/token-patterns.js';
import type { App } from '../../app-types.js';

const TokenFormatsView = Type.Object({
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
});

/**
 * What this deployment's secrets look like, for secret scanners (GitHub push protection, gitleaks) and SDKs:
 * public, because it holds no secret and a scanner has no credential. Generated from the configuration, so it
 * is the same description the URL filter and log redaction are built from.
 */
export async function tokenFormatRoutes(app: App): Promise<void> {
  const format = app.latchkey.ctx.config.tokenFormat;
  const view = {
    prefix: format.prefix,
    typeSegment: format.typeSegment,
    types: [...TOKEN_TYPES],
    bodyLength: TOKEN_BODY_LENGTH,
    checksum: { algorithm: 'crc32' as const, encoding: 'base62' as const, length: TOKEN_CHECKSUM_LENGTH },
    patterns: scannerPatterns(format),
  };
  app.get(
    '/v1/token-formats',
    { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'The format of this deployment\'s secrets and a regular expression per type for secret scanners', response: { 200: TokenFormatsView } } },
    async () => view,
  );
}
