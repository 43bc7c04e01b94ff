import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/server/build-app.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { privatePostgresProblem, startPrivatePostgres } from '../helpers/private-postgres.js';
import { OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';

const problem = privatePostgresProblem();
const required = process.env.LATCHKEY_TEST_REQUIRE_POSTGRES === '1';
if (problem && !required) console.warn(`\n!! test/faults/postgres-outage.test.ts SKIPPED: ${problem}\n`);

const GRACE_MS = 2500;
const READY_MS = 500;
/** Longest any request may take while the database is frozen: acquire 1.5 s or statement 1 s + 0.5 s, plus a loaded host. */
const FROZEN_BOUND_MS = 4500;

interface Answer {
  kind: string;
  status: number;
  code: string | undefined;
  retryAfter: string | null;
  requestIdMatches: boolean;
  started: number;
  ended: number;
}

describe('PostgreSQL outage on a private cluster', () => {
  it(
    'stopped or frozen under load: every request answers 503 STORAGE_UNAVAILABLE with Retry-After within the bound, cached keys only for the grace, recovery without restart, no usage lost',
    { skip: problem && !required ? problem : false, timeout: 180_000 },
    async (t) => {
      if (problem) throw new Error(`LATCHKEY_TEST_REQUIRE_POSTGRES=1 but the PostgreSQL fault test cannot run: ${problem}`);
      const server = await startPrivatePostgres();
      const env = {
        LOG_LEVEL: 'silent',
        DATABASE_URL: server.url,
        LATCHKEY_API_RATE_LIMIT: 'off',
        LATCHKEY_AUTH_FAILURE_LIMIT: '100000/60s',
        LATCHKEY_USAGE_FLUSH_MS: '200',
        LATCHKEY_DB_CONNECT_TIMEOUT_MS: '1000',
        LATCHKEY_DB_STATEMENT_TIMEOUT_MS: '1000',
        LATCHKEY_DB_ACQUIRE_TIMEOUT_MS: '1500',
        LATCHKEY_READY_TIMEOUT_MS: String(READY_MS),
        LATCHKEY_OUTAGE_GRACE_MS: String(GRACE_MS),
      };
      const config = loadConfig(env);
      const storage = openStorage({ databaseUrl: server.url, dataDir: '', timeouts: config.storageTimeouts });
      const latchkey = createLatchkey(config, storage);
      const app = await buildApp(latchkey);
      t.after(async () => {
        server.thaw();
        await app.close().catch(() => {});
        await latchkey.stop().catch(() => {});
        await storage.close().catch(() => {});
        server.destroy();
      });
      await storage.migrate();
      const setup = await latchkey.setup.initialize({ organizationName: 'Acme', email: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'Olive Owner' });
      const orgId = setup.orgId;
      const ownerKey = setup.ownerKey.secret;
      await app.listen({ port: 0, host: '127.0.0.1' });
      latchkey.start();
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

      const call = async (method: string, path: string, secret: string | null, body?: unknown) => {
        const started = Date.now();
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const json = (await response.json().catch(() => ({}))) as { error?: { code?: string; requestId?: string }; code?: string };
        return { response, json, started, ended: Date.now() };
      };
      const create = async (name: string, permissions: string[]) => {
        const { response, json } = await call('POST', '/v1/keys', ownerKey, { name, permissions });
        assert.equal(response.status, 201);
        return json as unknown as { id: string; secret: string };
      };
      const verifier = await create('verifier', ['latchkey:keys:verify']);
      const target = await create('target', ['latchkey:keys:read']);
      const uncached = await create('uncached', ['latchkey:keys:read']);
      const victim = await create('victim', ['latchkey:keys:read']);

      let validCount = 0;
      let created = 0;
      const kinds: Record<string, () => ReturnType<typeof call>> = {
        verifyCached: () => call('POST', '/v1/keys/verify', verifier.secret, { key: target.secret }),
        verifyUncached: () => call('POST', '/v1/keys/verify', verifier.secret, { key: uncached.secret }),
        // A query string sends the same verification through Fastify's route instead of the fast path.
        verifyUncachedRoute: () => call('POST', '/v1/keys/verify?via=route', verifier.secret, { key: uncached.secret }),
        list: () => call('GET', '/v1/keys?limit=5', ownerKey),
        whoami: () => call('GET', '/v1/whoami', ownerKey),
        revoke: () => call('POST', `/v1/keys/${victim.id}/revoke`, ownerKey),
        create: () => call('POST', '/v1/keys', ownerKey, { name: `during-outage-${created++}`, permissions: ['latchkey:keys:read'] }),
        signIn: () => call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD }),
      };
      const answer = async (kind: string): Promise<Answer> => {
        const { response, json, started, ended } = await kinds[kind]!();
        if (kind === 'verifyCached' && response.status === 200) {
          assert.equal(json.code, 'VALID');
          validCount++;
        }
        return {
          kind,
          status: response.status,
          code: json.error?.code,
          retryAfter: response.headers.get('retry-after'),
          requestIdMatches: json.error?.requestId !== undefined && json.error.requestId === response.headers.get('x-request-id'),
          started,
          ended,
        };
      };
      /** Three clients cycling through every kind of request for `ms`. */
      const load = async (ms: number): Promise<Answer[]> => {
        const until = Date.now() + ms;
        const answers: Answer[] = [];
        const names = Object.keys(kinds);
        await Promise.all(
          [0, 1, 2].map(async (offset) => {
            for (let i = offset; Date.now() < until; i++) answers.push(await answer(names[i % names.length]!));
          }),
        );
        return answers;
      };
      const waitReady = async () => {
        const until = Date.now() + 30_000;
        while (Date.now() < until) {
          if ((await fetch(`${base}/readyz`)).status === 200) return;
          await sleep(100);
        }
        assert.fail('storage did not come back within 30 s');
      };
      /** During an outage: a fault answer, or a cached key's VALID while the grace lasts, and never a 500. */
      const assertOutageAnswers = (answers: Answer[], outageStart: number, phase: string) => {
        assert.ok(outageStart > 0, `${phase}: storage noticed the outage`);
        const kindsSeen = new Set<string>();
        for (const a of answers) {
          kindsSeen.add(a.kind);
          const context = `${phase}: ${a.kind} answered ${a.status} ${a.code ?? ''} ${a.ended - outageStart} ms into the outage`;
          if (a.kind === 'verifyCached' && a.status === 200) {
            assert.ok(a.started < outageStart + GRACE_MS + 200, `${context}: a cached decision outlived the grace`);
            continue;
          }
          assert.equal(a.status, 503, context);
          assert.equal(a.code, 'STORAGE_UNAVAILABLE', context);
          assert.equal(a.retryAfter, '5', context);
          assert.ok(a.requestIdMatches, `${context}: standard body with the request id`);
          // A cached key may fail closed before the grace is over: with DATABASE_URL the invalidation bus stops
          // trusting the cache once its lease lapses (reads stall), which can come before storage is declared failing.
          // What must never happen is the other way round: a cached decision outliving the grace (checked above).
        }
        assert.equal(kindsSeen.size, Object.keys(kinds).length, `${phase}: every kind of request was tried`);
        const late = answers.filter((a) => a.kind === 'verifyCached' && a.started > outageStart + GRACE_MS + 200);
        assert.ok(late.length > 0 && late.every((a) => a.status === 503), `${phase}: after the grace, cached keys fail closed`);
      };
      const assertHealthy = async (phase: string) => {
        for (const kind of Object.keys(kinds)) {
          const a = await answer(kind);
          assert.ok(a.status === 200 || a.status === 201, `${phase}: ${kind} answered ${a.status} ${a.code ?? ''}`);
        }
      };

      // Healthy: the cached key and every other kind of request work.
      validCount = 0;
      for (let i = 0; i < 5; i++) await answer('verifyCached');
      assert.equal(validCount, 5);
      const victimBefore = await storage.repos.keys.findById(orgId, victim.id);
      assert.equal(victimBefore?.revokedAt, null);

      // Stopped: pg_ctl stop -m fast. The load after the stop sees only faults, and cached keys for the grace only.
      server.stop('fast');
      const stoppedReady = await call('GET', '/readyz', null);
      assert.deepEqual([stoppedReady.response.status, stoppedReady.json.error?.code, stoppedReady.response.headers.get('retry-after')], [503, 'STORAGE_UNAVAILABLE', '5']);
      const stoppedAnswers = await load(GRACE_MS + 1500);
      const stoppedSince = storage.health.failingSince;
      assertOutageAnswers(stoppedAnswers, stoppedSince, 'stopped');
      assert.ok(latchkey.ctx.usage.pendingRows > 0, 'usage counted during the outage waits in memory');

      // Restarted: Latchkey recovers without a restart; nothing the outage refused was half-done.
      server.start();
      await waitReady();
      assert.equal(storage.health.failingSince, 0);
      assert.equal((await storage.repos.keys.findById(orgId, victim.id))?.revokedAt, null, 'the refused revocation did not happen');
      const listed = await call('GET', '/v1/keys?limit=100', ownerKey);
      assert.equal(listed.response.status, 200);
      assert.ok(!JSON.stringify(listed.json).includes('during-outage-'), 'no key refused during the outage was created');
      await assertHealthy('after restart');

      // Frozen: SIGSTOP on the postmaster and every backend. Connections stay open and nothing answers.
      const victim2 = await create('victim2', ['latchkey:keys:read']);
      kinds.revoke = () => call('POST', `/v1/keys/${victim2.id}/revoke`, ownerKey);
      // The first uncached key was verified, hence cached, after the restart.
      const uncached2 = await create('uncached2', ['latchkey:keys:read']);
      kinds.verifyUncached = () => call('POST', '/v1/keys/verify', verifier.secret, { key: uncached2.secret });
      kinds.verifyUncachedRoute = () => call('POST', '/v1/keys/verify?via=route', verifier.secret, { key: uncached2.secret });
      server.freeze();
      const frozenAt = Date.now();
      const ready = await call('GET', '/readyz', null);
      assert.equal(ready.response.status, 503);
      assert.equal(ready.json.error?.code, 'STORAGE_UNAVAILABLE');
      assert.ok(ready.ended - ready.started < READY_MS + 1500, `/readyz answered within its bound (${ready.ended - ready.started} ms)`);
      const frozenAnswers = (await load(GRACE_MS + 2500)).filter((a) => a.started > frozenAt);
      const frozenSince = storage.health.failingSince;
      for (const a of frozenAnswers) assert.ok(a.ended - a.started < FROZEN_BOUND_MS, `frozen: ${a.kind} took ${a.ended - a.started} ms`);
      assertOutageAnswers(frozenAnswers, frozenSince, 'frozen');

      // Thawed: recovery again, and every verification counted through both outages is in storage.
      server.thaw();
      await waitReady();
      assert.equal((await storage.repos.keys.findById(orgId, victim2.id))?.revokedAt, null, 'the refused revocation did not happen');
      await assertHealthy('after thaw');
      await latchkey.ctx.usage.flush();
      assert.equal(latchkey.ctx.usage.pendingRows, 0);
      const series = await storage.repos.usage.series(orgId, target.id, 0);
      const stored = series.filter((p) => p.code === 'VALID').reduce((sum, p) => sum + p.count, 0);
      assert.equal(stored, validCount, `every VALID answer is counted once (${validCount} answered)`);
      assert.ok(validCount > 10, `cached verifications were served during the outages (${validCount})`);
    },
  );
});
