import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import type { Latchkey } from '../services/create-latchkey.js';
import type { App } from './app-types.js';
import { loggerOptions } from './logger-options.js';
import { createValidators } from './validator-compiler.js';
import { createFastVerify } from './fast-path/fast-verify.js';
import { registerAuthentication } from './plugins/authenticate.js';
import { registerErrorHandling, sendError, translateError } from './plugins/error-handler.js';
import { registerDashboard } from './plugins/dashboard.js';
import { registerRoutes } from './routes/register-routes.js';
import { ROUTER_MAX_PARAM_LENGTH } from './schemas/common.js';
import { COMPONENT_SCHEMAS } from './schemas/component-schemas.js';
import { registerOpenApi } from './openapi-document.js';
import { createClientErrorHandler } from './client-error.js';
import { registerBodyParsing } from './plugins/body-parsing.js';
import { VerifyBody } from './schemas/key-schemas.js';

export interface BuildAppOptions {
  /** Overrides the pino options, e.g. a stream the canary test reads. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Request ids only need to be unique, not secret: a random per-process prefix and a counter cost nothing per
 * request, where drawing random bytes every time showed up in the verification profile.
 */
function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `req_${prefix}${(++counter).toString(36).padStart(6, '0')}`;
}

/** Builds the HTTP app around one Latchkey instance; main.ts listens, tests inject. */
export async function buildApp(latchkey: Latchkey, options: BuildAppOptions = {}): Promise<App> {
  const config = latchkey.ctx.config;
  const nextRequestId = requestIds();
  // Assigned once the app exists; the server only receives requests after listen, long after that.
  let fastVerify: ReturnType<typeof createFastVerify> | undefined;
  const app = Fastify({
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (fastVerify) void fastVerify.handle(req, res, () => handler(req, res));
        else handler(req, res);
      }),
    logger: options.logger ?? loggerOptions(config.logLevel, config.extraAuthHeader),
    genReqId: nextRequestId,
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    routerOptions: { maxParamLength: ROUTER_MAX_PARAM_LENGTH },
    // The server is shared with the fast path, so this covers both.
    clientErrorHandler: createClientErrorHandler(nextRequestId, () => app.log),
    // One line per request, written when it completes, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors Fastify raises before routing (bad percent-encoding, over-long parameters) get the standard body too.
    frameworkErrors: (error, request, reply) => {
      sendError(reply, request, translateError(error));
    },
  }).withTypeProvider() as unknown as App;

  app.decorate('latchkey', latchkey);
  const validators = createValidators([...COMPONENT_SCHEMAS]);
  app.setValidatorCompiler(validators.compiler);
  registerErrorHandling(app);
  registerBodyParsing(app);
  await app.register(cookie);
  await registerOpenApi(app);

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  });
  registerAuthentication(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });
  await registerRoutes(app);
  await registerDashboard(app, config.dashboardDir);
  // Loaded (or generated and stored, on a new database) before the first request, not by it.
  await latchkey.ctx.cursorKey().catch(() => undefined);
  fastVerify = createFastVerify({ lk: latchkey, app, validateBody: validators.compileBody(VerifyBody), nextRequestId });
  return app;
}
