import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/server/build-app.js';
import type { App } from '../../src/server/app-types.js';
import { createLatchkey, type Latchkey } from '../../src/services/create-latchkey.js';
import type { Storage } from '../../src/storage/storage.js';
import { TestClock } from './test-clock.js';
import { createTestStorage, type TestDatabase } from './test-databases.js';

export const OWNER_EMAIL = 'owner@acme.test';
export const OWNER_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: App;
  latchkey: Latchkey;
  storage: Storage;
  clock: TestClock;
  config: Config;
  orgId: string;
  ownerUserId: string;
  /** The owner key's secret: `*` on the first organization. */
  ownerKey: string;
  /** Sends a request as `secret` (Bearer) with a JSON body. */
  call(method: string, url: string, secret: string | null, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /**
   * The same request as `call`, sent over a real socket to the app listening on 127.0.0.1 (port 0, started on
   * first use), so it takes the code production traffic takes: the node:http handler and the verification fast
   * path in front of Fastify. A string body is sent as given. The answer has the parts of `call`'s that tests read.
   */
  callOverSocket(method: string, url: string, secret: string | null, body?: unknown, headers?: Record<string, string>): Promise<SocketResponse>;
  close(): Promise<void>;
}

/** What `callOverSocket` answers: the fields of inject()'s response that tests use. */
export interface SocketResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json(): any;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  logger?: Parameters<typeof buildApp>[1] extends infer O ? (O extends { logger?: infer L } ? L : never) : never;
  /** Skip creating the first organization. */
  uninitialized?: boolean;
  /** Rows per set-based storage statement, small to cross chunk boundaries with few rows. */
  rowSetChunk?: number;
}

/** A real app on a real, fresh database, initialized with one organization and its owner. */
export async function createTestApp(database: TestDatabase, options: TestAppOptions = {}): Promise<TestApp> {
  const { storage, destroy } = await createTestStorage(database, options.rowSetChunk === undefined ? {} : { rowSetChunk: options.rowSetChunk });
  // Password hashes at 2^10 keep the suite fast; the 2^17 default has a test of its own (test/domain/password-hash).
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    LATCHKEY_API_RATE_LIMIT: 'off',
    LATCHKEY_USAGE_FLUSH_MS: '60000',
    NODE_ENV: 'test',
    LATCHKEY_PASSWORD_HASH_COST: '10',
    ...options.env,
  });
  const clock = new TestClock();
  const latchkey = createLatchkey(config, storage, { now: clock.now });
  const app = await buildApp(latchkey, options.logger === undefined ? {} : { logger: options.logger });
  let baseUrl: string | undefined;
  let orgId = '';
  let ownerUserId = '';
  let ownerKey = '';
  if (!options.uninitialized) {
    const result = await latchkey.setup.initialize({ organizationName: 'Acme', email: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'Olive Owner' });
    orgId = result.orgId;
    ownerUserId = result.userId;
    ownerKey = result.ownerKey.secret;
  }
  return {
    app,
    latchkey,
    storage,
    clock,
    config,
    orgId,
    ownerUserId,
    ownerKey,
    call(method, url, secret, body, headers = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
    },
    async callOverSocket(method, url, secret, body, headers = {}) {
      if (!baseUrl) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      const response = await fetch(baseUrl + url, {
        method,
        headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
        json: () => JSON.parse(text),
      };
    },
    async close() {
      await app.close();
      await latchkey.stop();
      await destroy();
    },
  };
}
