import type { App } from '../app-types.js';
import { auditRoutes } from './audit/audit-routes.js';
import { authRoutes } from './auth/auth-routes.js';
import { keyRoutes } from './keys/key-routes.js';
import { kritenRoutes } from './kriten/kriten-routes.js';
import { invitationRoutes } from './members/invitation-routes.js';
import { memberRoutes } from './members/member-routes.js';
import { organizationRoutes } from './organizations/organization-routes.js';
import { permissionRoutes } from './permissions/permission-routes.js';
import { projectRoutes } from './projects/project-routes.js';
import { healthRoutes } from './system/health-routes.js';
import { setupRoutes } from './system/setup-routes.js';
import { tokenFormatRoutes } from './token-formats/token-format-routes.js';
import { tokenRoutes } from './tokens/token-routes.js';
import { whoamiRoutes } from './whoami/whoami-routes.js';

/** Every route area, in one list, so the API's surface can be read at a glance. */
export async function registerRoutes(app: App): Promise<void> {
  await healthRoutes(app);
  await setupRoutes(app);
  await authRoutes(app);
  await whoamiRoutes(app);
  await organizationRoutes(app);
  await memberRoutes(app);
  await invitationRoutes(app);
  await projectRoutes(app);
  await permissionRoutes(app);
  await auditRoutes(app);
  await keyRoutes(app);
  await tokenRoutes(app);
  await tokenFormatRoutes(app);
  await kritenRoutes(app);
}
