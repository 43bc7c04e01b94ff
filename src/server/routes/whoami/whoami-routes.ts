import type { App } from '../../app-types.js';
import { principalOf } from '../../request-meta-of.js';
import { CREDENTIAL_ERRORS, errorResponses, ok } from '../../schemas/common.js';
import { WhoamiView } from '../../schemas/whoami-schemas.js';

/** The caller itself, under /v1/whoami. */
export async function whoamiRoutes(app: App): Promise<void> {
  app.get(
    '',
    {
      schema: {
        operationId: 'whoamiGet',
        tags: ['auth'],
        summary: 'The caller: credential kind, organization, user, role, key, effective permissions, projects',
        response: { 200: ok(WhoamiView, 'The caller.'), ...errorResponses(...CREDENTIAL_ERRORS) },
      },
    },
    async (request) => {
      const me = await app.latchkey.whoami.describe(principalOf(request));
      return { ...me, key: me.key ? { ...me.key, expiresAt: me.key.expiresAt === null ? null : new Date(me.key.expiresAt).toISOString() } : null };
    },
  );
}
