import type { App } from '../app-types.js';
import { keyRoutes } from './keys/key-routes.js';
import { healthRoutes } from './system/health-routes.js';
import { setupRoutes } from './system/setup-routes.js';

/** Every route area, in one list, so the API's surface can be read at a glance. */
export async function registerRoutes(app: App): Promise<void> {
  await healthRoutes(app);
  await setupRoutes(app);
  await keyRoutes(app);
}
