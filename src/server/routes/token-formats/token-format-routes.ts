import { TOKEN_BODY_LENGTH, TOKEN_CHECKSUM_LENGTH, TOKEN_TYPES } from '../../../domain/token-format.js';
import { scannerPatterns } from '../../../domain/token-patterns.js';
import type { App } from '../../app-types.js';
import { errorResponses, ok } from '../../schemas/common.js';
import { TokenFormatsView } from '../../schemas/token-format-schemas.js';

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
    '',
    { config: { auth: 'public' }, schema: {
        operationId: 'tokenFormatsGet',
        security: [],
        tags: ['system'],
        summary: 'The format of this deployment\'s secrets and a regular expression per type for secret scanners',
        response: { 200: ok(TokenFormatsView, 'The token format and its scanner patterns.'), ...errorResponses(400) },
      } },
    async () => view,
  );
}
