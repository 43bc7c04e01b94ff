import { createServer } from 'node:http';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import type { Latchkey } from '../services/create-latchkey.js';
import type { App } from './app-types.js';
import { loggerOptions } from './logger-options.js';
import { bufferedStdout } from './log-destination.js';
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
import { BODY_LIMIT } from './edge/body-reader.js';
import { EdgeHooks } from './edge/edge-hooks.js';
import { createEdge, credentialRef, type Edge } from './edge/edge-request.js';
import { requestIds } from './edge/request-id.js';
import { createTokenMetricsHandler, METRICS_PATH } from './metrics-endpoint.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-request hooks both the fast path and Fastify run (edge/edge-hooks.ts). */
    edgeHooks: EdgeHooks;
  }
}

export interface BuildAppOptions {
  /** Overrides the pino options, e.g. a stream the canary test reads. */
  logger?: FastifyServerOptions['logger'];
}

/** Builds the HTTP app around one Latchkey instance; main.ts listens, tests inject. */
export async function buildApp(latchkey: Latchkey, options: BuildAppOptions = {}): Promise<App> {
  const config = latchkey.ctx.config;
  const nextRequestId = requestIds();
  const hooks = new EdgeHooks((err) => app.log.error({ err }, 'edge hook failed'));
  const edge: Edge = createEdge({ hooks, nextRequestId, log: () => app.log });
  // Assigned once the app exists; the server only receives requests after listen, long after that.
  let fastVerify: ReturnType<typeof createFastVerify> | undefined;
  const metrics = latchkey.ctx.metrics;
  const serveMetrics = createTokenMetricsHandler(metrics, config.metrics.token);
  if (metrics.enabled) hooks.add({ onResponse: (request, status, durationMs) => metrics.request(request.route ?? 'unmatched', request.method, status, durationMs) });
  // Lines go to standard output in blocks (log-destination.ts), unless a test brings its own stream.
  const destination = options.logger === undefined ? bufferedStdout() : undefined;
  const app = Fastify({
    // The one HTTP edge: every request begins here, then goes to the fast path, which hands Fastify what it does not serve.
    serverFactory: (handler) =>
      createServer((req, res) => {
        const request = edge.begin(req);
        const metricsAnswer = serveMetrics(req, res, request.id);
        if (metricsAnswer) {
          request.route = METRICS_PATH;
          void metricsAnswer.then((status) => edge.finish(request, status));
          return;
        }
        if (fastVerify) void fastVerify.handle(request, req, res, () => handler(req, res));
        else handler(req, res);
      }),
    logger: options.logger ?? { ...loggerOptions(config.logLevel, config.extraAuthHeader, config.tokenFormat), stream: destination!.stream },
    // Requests injected by tests skip the server handler above and begin here.
    genReqId: (req) => edge.begin(req).id,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
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
  app.decorate('edgeHooks', hooks);
  if (destination) app.addHook('onClose', async () => destination.close());
  const validators = createValidators([...COMPONENT_SCHEMAS]);
  app.setValidatorCompiler(validators.compiler);
  registerErrorHandling(app);
  registerBodyParsing(app);
  await app.register(cookie);
  await registerOpenApi(app);

  app.addHook('onResponse', async (request, reply) => {
    const state = edge.begin(request.raw);
    state.ip = request.ip;
    // The pattern Fastify matched, so labels never hold ids or tokens; a 404 has none.
    if (state.route === null && request.is404 !== true) state.route = request.routeOptions.url ?? null;
    if (request.principal) state.credential = credentialRef(request.principal);
    edge.finish(state, reply.statusCode);
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
  fastVerify = createFastVerify({ lk: latchkey, log: app.log, edge, validateBody: validators.compileBody(VerifyBody) });
  return app;
}
