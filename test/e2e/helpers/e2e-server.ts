import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { buildApp } from '../../../src/server/build-app.js';
import { createLatchkey, type Latchkey } from '../../../src/services/create-latchkey.js';
import { openStorage } from '../../../src/storage/open-storage.js';

export const E2E_OWNER = { organizationName: 'Acme', email: 'owner@acme.test', password: 'correct horse battery staple', name: 'Olive Owner' };

export interface E2eServer {
  url: string;
  latchkey: Latchkey;
  /** The owner key's secret, when the server was initialized. */
  ownerKey: string;
  /** Calls the real HTTP API with a key, as an integrating service would. */
  api(method: string, path: string, secret: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The server a browser test drives: the real app, on an embedded SQLite file in a fresh folder, listening on a
 * random port and serving the built dashboard, as `npm start` does.
 */
export async function startE2eServer(options: { initialized?: boolean } = {}): Promise<E2eServer> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', LATCHKEY_DATA_DIR: dir, LATCHKEY_API_RATE_LIMIT: 'off', LATCHKEY_USAGE_FLUSH_MS: '200' });
  const storage = openStorage({ databaseUrl: undefined, dataDir: config.dataDir });
  await storage.migrate();
  const latchkey = createLatchkey(config, storage);
  const app = await buildApp(latchkey);
  await latchkey.start();
  let ownerKey = '';
  if (options.initialized !== false) ownerKey = (await latchkey.setup.initialize(E2E_OWNER)).ownerKey.secret;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    latchkey,
    ownerKey,
    async api(method, path, secret, body) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await app.close();
      await latchkey.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
