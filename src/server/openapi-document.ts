import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from './app-types.js';
import { COMPONENT_SCHEMAS } from './schemas/component-schemas.js';

type Document = Record<string, unknown> & { paths?: Record<string, Record<string, Record<string, unknown>>> };

/** A route whose body may be left out entirely says so with this key; the document then marks the body optional. */
const OPTIONAL_BODY = 'x-optional-body';

/**
 * Fastify's swagger plugin marks every declared body required; a route with `config.optionalBody` also carries
 * OPTIONAL_BODY in its schema, which becomes `requestBody.required: false` here (and is not left in the document).
 */
function markOptionalBodies(document: Document): Document {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation[OPTIONAL_BODY] !== true) continue;
      delete operation[OPTIONAL_BODY];
      const body = operation.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return document;
}

/**
 * The OpenAPI 3.1 document at /openapi.json (and its browser at /docs), built from the routes' own schemas.
 * Every named schema is added to the app first, so it appears under components.schemas by its $id and routes
 * refer to it by name: SDK generators then produce one type per component instead of one per use.
 */
export async function registerOpenApi(app: App): Promise<void> {
  for (const schema of COMPONENT_SCHEMAS) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey',
        version: '0.1.0',
        description: 'API keys, personal access tokens and their verification. The prose reference is docs/api.md; error codes are in docs/errors.md.',
        // No licence has been chosen for Latchkey yet (package.json is private): docs/api.md says so.
        license: { name: 'UNLICENSED' },
      },
      // Relative to the document: wherever an instance serves /openapi.json, its API is at the same origin.
      servers: [{ url: '/', description: 'The Latchkey instance serving this document' }],
      tags: [
        { name: 'system', description: 'Liveness and readiness probes.' },
        { name: 'setup', description: 'First run.' },
        { name: 'auth', description: 'Dashboard sessions and the caller itself.' },
        { name: 'organizations', description: 'Organizations.' },
        { name: 'members', description: 'Members and invitations.' },
        { name: 'projects', description: 'Projects keys can be restricted to.' },
        { name: 'permissions', description: 'The permission catalog.' },
        { name: 'audit', description: 'The audit log.' },
        { name: 'keys', description: 'Organization API keys.' },
        { name: 'tokens', description: 'Personal access tokens.' },
        { name: 'verification', description: 'Verifying a key: the hot path.' },
        { name: 'oauth', description: 'OAuth 2.0: the protocol endpoints (their own error format, RFC 6749 §5.2) and the management of applications, client credentials and grants.' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key or personal access token: `Authorization: Bearer lk_live_…`.' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same tokens in `X-API-Key`.' },
          session: { type: 'apiKey', in: 'cookie', name: 'latchkey_session', description: 'The dashboard session; mutations also need `X-CSRF-Token`.' },
          clientBasic: { type: 'http', scheme: 'basic', description: 'OAuth client_secret_basic: the client id and secret (RFC 6749 §2.3.1).' },
        },
      },
      security: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (documentObject) => markOptionalBodies(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject) as Document) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
