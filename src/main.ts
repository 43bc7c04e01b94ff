import { checkStorageLocation } from './config/check-storage-location.js';
import { loadConfig } from './config/load-config.js';
import type { BackgroundLog } from './ports/background-log.js';

/** Longest a graceful stop may take before the process exits with status 1 anyway. */
const SHUTDOWN_DELAY_MS = 10_000;

/** `npm start`: migrate, serve, and on SIGINT/SIGTERM stop taking requests, flush usage, release the instance, close storage. */
async function main(): Promise<void> {
  const config = loadConfig();
  checkStorageLocation(config);
  // Loaded once the settings are known to be good, so a bad one is reported at once, not after loading the server.
  const [{ default: closeWithGrace }, { buildApp }, { createLatchkey }, { openStorage }] = await Promise.all([
    import('close-with-grace'),
    import('./server/build-app.js'),
    import('./services/create-latchkey.js'),
    import('./storage/open-storage.js'),
  ]);
  const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.storageTimeouts });
  await storage.migrate();
  // Background work starts only after the app (and so its logger) exists; until then nothing is logged.
  let log: BackgroundLog | undefined;
  const latchkey = createLatchkey(config, storage, {
    log: { warn: (details, message) => log?.warn(details, message), error: (details, message) => log?.error(details, message) },
    onBackgroundError: (err) => log?.error({ err }, 'background task failed'),
  });
  const app = await buildApp(latchkey);
  log = app.log;
  // On SQLite, refuses (InstanceConflictError, printed below) while another instance's heartbeat on this database is fresh.
  const claim = await latchkey.start().catch(async (error: unknown) => {
    await storage.close();
    throw error;
  });
  app.log.info({ instanceId: claim.instanceId }, `instance ${claim.instanceId} started`);
  const otherInstances = claim.others.map((o) => ({ instanceId: o.instanceId, host: o.host, pid: o.pid }));
  if (storage.dialectName === 'postgres') {
    app.log.info({ instanceId: claim.instanceId, otherInstances }, `instance ${claim.instanceId}: invalidations shared through the PostgreSQL invalidation log with ${claim.others.length} other instance(s)`);
  } else if (config.allowMultipleInstances) {
    app.log.warn(
      { instanceId: claim.instanceId, otherInstances },
      `LATCHKEY_ALLOW_MULTIPLE_INSTANCES is set (${claim.others.length} other instance(s) running now): on SQLite each instance has its own key cache and rate limits, so a key revoked, disabled or narrowed on one stays valid on the others until its cache entry ages out (LATCHKEY_KEY_CACHE_TTL_MS), and every instance allows the full rate limit. Use PostgreSQL to run several instances (docs/scaling.md).`,
    );
  }
  // close-with-grace: one stop on the first SIGINT/SIGTERM (or uncaught error), exit 1 on a second signal or when the
  // stop outlasts the delay, exit 0 after a clean stop. The order matters: no new requests, then the last usage
  // flush and the heartbeat row's removal, then storage.
  let metricsServer: import('node:http').Server | undefined;
  const shutdown = closeWithGrace({ delay: SHUTDOWN_DELAY_MS, logger: { error: (message: unknown) => app.log.error(message) } }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'stopping after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
    await latchkey.stop();
    await storage.close();
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    shutdown.uninstall();
    await app.close().catch(() => {});
    await latchkey.stop().catch(() => {});
    await storage.close().catch(() => {});
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`PORT=${config.port}: the address ${config.host}:${config.port} is already in use`);
    throw error;
  }
  if (config.metrics.port !== undefined) {
    const { listenForMetrics } = await import('./server/metrics-endpoint.js');
    metricsServer = await listenForMetrics(latchkey.ctx.metrics, config.metrics.host, config.metrics.port).catch((error: unknown) => {
      throw new Error(`LATCHKEY_METRICS_PORT=${config.metrics.port}: cannot listen on ${config.metrics.host}:${config.metrics.port} (${(error as Error).message})`);
    });
    app.log.info(`metrics at http://${config.metrics.host}:${config.metrics.port}/metrics`);
  }
  app.log.info(`Latchkey on ${storage.dialectName} at http://${config.host}:${config.port} (dashboard at /, API reference at /docs)`);
  if (!(await latchkey.setup.isInitialized())) {
    app.log.info(
      `No organization yet: open http://${config.host}:${config.port}/ or run \`npm run latchkey -- init\` to create the first organization and its owner.`,
    );
  }
}

main().catch((error) => {
  // A storage fault's message is the generic one clients see; the driver's reason is its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  console.error(`${error instanceof Error ? error.message : String(error)}${cause}`);
  process.exit(1);
});
