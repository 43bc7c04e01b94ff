import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { withAuthAttempt } from '../../plugins/authenticate.js';
import { keyView } from '../../presenters/key-view.js';
import { metaOf } from '../../request-meta-of.js';
import { BODY_ERRORS, errorResponses, ok } from '../../schemas/common.js';
import { SetupBody, SetupResult, SetupStatus } from '../../schemas/system-schemas.js';

/** First run over HTTP (the dashboard's first-run page), under /v1/setup; the CLI's `init` does the same through the service. */
export async function setupRoutes(app: App): Promise<void> {
  app.get(
    '',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'setupStatus',
        security: [],
        tags: ['setup'],
        summary: 'Whether this instance has been initialized',
        response: { 200: ok(SetupStatus, 'Whether first run is done.'), ...errorResponses(400, 503) },
      },
    },
    async () => ({ initialized: await app.latchkey.setup.isInitialized() }),
  );
  app.post(
    '',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'setupInitialize',
        security: [],
        tags: ['setup'],
        summary: 'Create the first organization, its owner and an owner key (once)',
        body: Type.Ref(SetupBody),
        response: { 201: ok(SetupResult, 'Initialized; the owner key secret is shown once.'), ...errorResponses(400, 409, 429, 503, ...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      // Each attempt is reserved from the address's failure budget before any work (a password hash costs
      // 128 MiB), and given back only by the run that initializes the instance.
      const result = await withAuthAttempt(app.latchkey, request, reply, () => app.latchkey.setup.initialize(request.body, metaOf(request)));
      const now = app.latchkey.ctx.now();
      return reply.code(201).send({
        organizationId: result.orgId,
        userId: result.userId,
        ownerKey: { ...keyView(result.ownerKey.key, now), secret: result.ownerKey.secret },
      });
    },
  );
}
