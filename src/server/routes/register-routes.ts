import type { App } from '../app-types.js';
import { auditRoutes } from './audit/audit-routes.js';
import { authRoutes } from './auth/auth-routes.js';
import { keyRoutes } from './keys/key-routes.js';
import { kritenRoutes } from './kriten/kriten-routes.js';
import { invitationRoutes } from './members/invitation-routes.js';
import { memberRoutes } from './members/member-routes.js';
import { oauthManagementRoutes } from './oauth/oauth-management-routes.js';
import { oauthMetadataRoutes } from './oauth/oauth-metadata-routes.js';
import { oauthRoutes } from './oauth/oauth-routes.js';
import { organizationRoutes } from './organizations/organization-routes.js';
import { permissionRoutes } from './permissions/permission-routes.js';
import { projectRoutes } from './projects/project-routes.js';
import { healthRoutes } from './system/health-routes.js';
import { setupRoutes } from './system/setup-routes.js';
import { tokenFormatRoutes } from './token-formats/token-format-routes.js';
import { tokenRoutes } from './tokens/token-routes.js';
import { whoamiRoutes } from './whoami/whoami-routes.js';

/**
 * Every route area, in one list, so the API's surface can be read at a glance. Each area is its own Fastify
 * plugin under its prefix: it inherits the app's hooks, body parsing and error format, and may add its own
 * (a form-body parser, another error format) without them reaching any other area.
 */
export async function registerRoutes(app: App): Promise<void> {
  await app.register(healthRoutes);
  await app.register(setupRoutes, { prefix: '/v1/setup' });
  await app.register(authRoutes, { prefix: '/v1/auth' });
  await app.register(whoamiRoutes, { prefix: '/v1/whoami' });
  await app.register(organizationRoutes, { prefix: '/v1/organizations' });
  await app.register(memberRoutes, { prefix: '/v1/members' });
  await app.register(invitationRoutes, { prefix: '/v1/invitations' });
  await app.register(projectRoutes, { prefix: '/v1/projects' });
  await app.register(permissionRoutes, { prefix: '/v1/permissions' });
  await app.register(auditRoutes, { prefix: '/v1/audit' });
  await app.register(keyRoutes, { prefix: '/v1/keys' });
  await app.register(tokenRoutes, { prefix: '/v1/tokens' });
  await app.register(tokenFormatRoutes, { prefix: '/v1/token-formats' });
  await app.register(kritenRoutes, { prefix: '/api/v1/api_tokens' });
  await app.register(oauthManagementRoutes, { prefix: '/v1/oauth' });
  await app.register(oauthRoutes, { prefix: '/oauth' });
  await app.register(oauthMetadataRoutes);
}
