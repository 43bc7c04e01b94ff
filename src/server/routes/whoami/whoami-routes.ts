import type { App } from '../../app-types.js';
import { principalOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES } from '../../schemas/common.js';
import { WhoamiView } from '../../schemas/whoami-schemas.js';

export async function whoamiRoutes(app: App): Promise<void> {
  app.get(
    '/v1/whoami',
    { schema: { tags: ['auth'], summary: 'The caller: credential kind, organization, user, role, key, effective permissions, projects', response: { 200: WhoamiView, ...ERROR_RESPONSES } } },
    async (request) => {
      const me = await app.latchkey.whoami.describe(principalOf(request));
      return { ...me, key: me.key ? { ...me.key, expiresAt: me.key.expiresAt === null ? null : new Date(me.key.expiresAt).toISOString() } : null };
    },
  );
}
