import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../app-types.js';

/** src/server/plugins and dist/server/plugins are both three levels below the package root. */
const BUILT_DASHBOARD = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

/** The dashboard's own paths; the page decides what to show. Anything else stays a JSON 404. */
const PAGES = ['/', '/keys', '/keys/:id', '/tokens', '/projects', '/members', '/audit', '/invite'];

/**
 * The dashboard is static files talking to the public API. Its HTML forbids framing and any script or
 * connection that is not this origin's, so an injected string in a key name can at worst be text.
 */
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export async function registerDashboard(app: App, dir: string | undefined): Promise<void> {
  const root = dir ?? BUILT_DASHBOARD;
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ dashboardDir: root }, 'the dashboard is not built (npm run build:dashboard); serving the API only');
    return;
  }
  // Read once: the build does not change under a running server, and every page load serves this file.
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    wildcard: false,
    index: false,
    // File names carry a content hash, so a cached copy is never stale.
    immutable: true,
    maxAge: '365d',
    setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
  });
  for (const url of PAGES) {
    app.get(url, { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.headers(HTML_HEADERS).send(index));
  }
}
