import { loadConfig } from './config/load-config.js';
import { buildApp } from './server/build-app.js';
import { createLatchkey } from './services/create-latchkey.js';
import type { BackgroundLog } from './services/usage-recorder.js';
import { openStorage } from './storage/open-storage.js';

/** `npm start`: migrate, serve, and on SIGINT/SIGTERM stop taking requests, flush usage, close storage. */
async function main(): Promise<void> {
  const config = loadConfig();
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
  // Refuses (InstanceConflictError, printed below) while another instance's heartbeat on this database is fresh.
  const claim = await latchkey.start().catch(async (error: unknown) => {
    await storage.close();
    throw error;
  });
  if (config.allowMultipleInstances) {
    app.log.warn(
      { instanceId: claim.instanceId, otherInstances: claim.others.map((o) => ({ instanceId: o.instanceId, host: o.host, pid: o.pid })) },
      `LATCHKEY_ALLOW_MULTIPLE_INSTANCES is set (${claim.others.length} other instance(s) running now): each instance has its own key cache and rate limits until multi-instance support lands, so a key revoked, disabled or narrowed on one stays valid on the others until its cache entry ages out (LATCHKEY_KEY_CACHE_TTL_MS), and every instance allows the full rate limit.`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await latchkey.stop();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
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
