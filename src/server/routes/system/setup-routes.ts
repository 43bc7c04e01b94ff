import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.js';
import { withAuthAttempt } from '../../plugins/authenticate.js';
import { keyView } from '../../presenters/key-view.js';
import { metaOf } from '../../request-meta-of.js';
import { ERROR_RESPONSES, Text } from '../../schemas/common.js';
import { KeyWithSecretView } from '../../schemas/key-schemas.js';

const SetupBody = Type.Object(
  {
    organizationName: Text(100, 1),
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 12, maxLength: 256 }),
    name: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
);

/** First run over HTTP (the dashboard's first-run page); the CLI's `init` does the same through the service. */
export async function setupRoutes(app: App): Promise<void> {
  app.get(
    '/v1/setup',
    { config: { auth: 'public' }, schema: { tags: ['setup'], summary: 'Whether this instance has been initialized', response: { 200: Type.Object({ initialized: Type.Boolean() }) } } },
    async () => ({ initialized: await app.latchkey.setup.isInitialized() }),
  );
  app.post(
    '/v1/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['setup'],
        summary: 'Create the first organization, its owner and an owner key (once)',
        body: SetupBody,
        response: { 201: Type.Object({ organizationId: Type.String(), userId: Type.String(), ownerKey: KeyWithSecretView }), ...ERROR_RESPONSES },
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
