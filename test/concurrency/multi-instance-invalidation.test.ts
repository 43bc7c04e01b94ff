import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { after, before, describe, it } from 'node:test';
import { type LatchkeyCluster, startCluster } from '../helpers/latchkey-cluster.js';
import type { LatchkeyProcess } from '../helpers/latchkey-process.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * Three real Latchkey processes on one PostgreSQL database of the test's own. The promise under test: once a change
 * on A has been answered, no request sent to B or C after that answer is VALID for what the change removed
 * (docs/scaling.md, "The guarantee").
 */
const PASSWORD = 'a long enough password';
const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

if (!TEST_DATABASES.includes('postgres')) {
  describe('three instances on PostgreSQL', () => {
    it('share invalidations', (t) => t.skip('PostgreSQL is not in LATCHKEY_TEST_DATABASES for this run'));
  });
} else {
  for (const mode of ['postgres', 'postgres+redis'] as const) describe(`three Latchkey processes on one PostgreSQL database (${mode})`, () => {
    let cluster: LatchkeyCluster;
    const prefix = `lk-test-${randomBytes(4).toString('hex')}:`;
    let A: LatchkeyProcess;
    let B: LatchkeyProcess;
    let C: LatchkeyProcess;
    const owner = () => cluster.ownerKey;

    before(async () => {
      // Heartbeats every second, so the instance killed at the end is stale (not waited for) 3 s later.
      // With Redis: the shared one at 6379, under a key prefix of this run's own (removed afterwards).
      cluster = await startCluster(3, { LATCHKEY_INSTANCE_HEARTBEAT_MS: '1000', ...(mode === 'postgres+redis' ? { REDIS_URL: REDIS_URL, LATCHKEY_REDIS_PREFIX: prefix } : {}) });
      [A, B, C] = cluster.instances as [LatchkeyProcess, LatchkeyProcess, LatchkeyProcess];
    });
    after(async () => {
      await cluster?.destroy();
      if (mode === 'postgres+redis') {
        const redis = new Redis(REDIS_URL);
        redis.on('error', () => {});
        await redis.del(`${prefix}invalidations`).catch(() => {});
        redis.disconnect();
      }
    });

    const verify = async (on: LatchkeyProcess, key: string, permissions?: string) =>
      (await cluster.call(on, 'POST', '/v1/keys/verify', owner(), { key, ...(permissions ? { permissions } : {}) })).json.code as string;

    const createKey = async (name: string, permissions = ['latchkey:keys:read']) => {
      const created = await cluster.call(A, 'POST', '/v1/keys', owner(), { name, permissions });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      return created.json as { id: string; secret: string };
    };

    /** Invited and accepted on A, signed in on A, and a personal token made with that session. */
    const memberWithToken = async (email: string, role: string) => {
      const invited = await cluster.call(A, 'POST', '/v1/invitations', owner(), { email, role });
      assert.equal(invited.status, 201, JSON.stringify(invited.json));
      const accepted = await cluster.call(A, 'POST', '/v1/invitations/accept-new-account', null, { token: invited.json.token, password: PASSWORD });
      assert.ok(accepted.status === 200 || accepted.status === 201, JSON.stringify(accepted.json));
      const signedIn = await fetch(`${A.url}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
      assert.equal(signedIn.status, 200);
      const cookie = /latchkey_session=[^;]+/.exec(signedIn.headers.get('set-cookie') ?? '')![0];
      const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
      const token = await cluster.call(A, 'POST', '/v1/tokens', null, { description: `${role} token` }, { cookie, 'x-csrf-token': csrfToken });
      assert.equal(token.status, 201, JSON.stringify(token.json));
      return { userId: accepted.json.member.userId as string, secret: token.json.secret as string };
    };

    it('each change answered on A is seen by the very next request on B and C', async () => {
      const changes: Array<[string, (id: string) => Promise<{ status: number }>, string, string?]> = [
        ['revoke', (id) => cluster.call(A, 'POST', `/v1/keys/${id}/revoke`, owner()), 'REVOKED'],
        ['disable', (id) => cluster.call(A, 'POST', `/v1/keys/${id}/disable`, owner()), 'DISABLED'],
        ['roll without grace', (id) => cluster.call(A, 'POST', `/v1/keys/${id}/regenerate`, owner()), 'NOT_FOUND'],
        ['narrow permissions', (id) => cluster.call(A, 'PATCH', `/v1/keys/${id}`, owner(), { permissions: ['latchkey:keys:read'] }), 'INSUFFICIENT_PERMISSIONS', 'latchkey:keys:write'],
        ['bulk revoke', (id) => cluster.call(A, 'POST', '/v1/keys/bulk', owner(), { action: 'revoke', ids: [id] }), 'REVOKED'],
      ];
      for (const [label, change, expected, permissions] of changes) {
        const key = await createKey(label, ['latchkey:keys:read', 'latchkey:keys:write']);
        // Cached on B and C first: the second answer comes from their caches.
        for (const on of [B, C, B, C]) assert.equal(await verify(on, key.secret, permissions), 'VALID', `${label}: before`);
        const answered = await change(key.id);
        assert.ok(answered.status === 200 || answered.status === 201, `${label}: ${answered.status}`);
        assert.equal(await verify(B, key.secret, permissions), expected, `${label}: B`);
        assert.equal(await verify(C, key.secret, permissions), expected, `${label}: C`);
      }

      const admin = await memberWithToken('ada@acme.test', 'admin');
      for (const on of [B, C, B, C]) assert.equal(await verify(on, admin.secret, 'latchkey:keys:write'), 'VALID', 'an admin token before');
      assert.equal((await cluster.call(A, 'PATCH', `/v1/members/${admin.userId}`, owner(), { role: 'member' })).status, 200);
      assert.equal(await verify(B, admin.secret, 'latchkey:keys:write'), 'INSUFFICIENT_PERMISSIONS', 'demoted: B');
      assert.equal(await verify(C, admin.secret, 'latchkey:keys:write'), 'INSUFFICIENT_PERMISSIONS', 'demoted: C');
      for (const on of [B, C]) assert.equal(await verify(on, admin.secret), 'VALID', 'still a member');
      assert.equal((await cluster.call(A, 'DELETE', `/v1/members/${admin.userId}`, owner())).status, 204);
      assert.equal(await verify(B, admin.secret), 'NOT_FOUND', 'removed: B');
      assert.equal(await verify(C, admin.secret), 'NOT_FOUND', 'removed: C');
    });

    it('a concurrent stream of verifications on B and C records no VALID after A answered the revocation', async () => {
      const keys = await Promise.all(Array.from({ length: 24 }, (_, i) => createKey(`stream ${i}`)));
      const answeredAt = new Map<string, number>();
      const wrong: string[] = [];
      let verifications = 0;
      let stop = false;
      const stream = async (on: LatchkeyProcess, offset: number) => {
        for (let i = offset; !stop; i++) {
          const key = keys[i % keys.length]!;
          const sentAt = performance.now();
          const code = await verify(on, key.secret);
          verifications++;
          const answered = answeredAt.get(key.id);
          if (code === 'VALID' && answered !== undefined && sentAt > answered) wrong.push(`${key.id} VALID ${Math.round(sentAt - answered)} ms after the revocation was answered`);
        }
      };
      const streams = [B, C, B, C, B, C].map((on, i) => stream(on, i * 4));
      for (const key of keys) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        const revoked = await cluster.call(A, 'POST', `/v1/keys/${key.id}/revoke`, owner());
        assert.equal(revoked.status, 200);
        answeredAt.set(key.id, performance.now());
      }
      // Keep verifying the revoked keys until thousands of answers are in.
      while (verifications < 3000) await new Promise((resolve) => setTimeout(resolve, 50));
      stop = true;
      await Promise.all(streams);
      assert.deepEqual(wrong, []);
      assert.ok(verifications >= 3000, `${verifications} verifications`);
    });

    // Redis faults are tested on a private redis-server in test/adapters/redis-streams-invalidation-bus.test.ts.
    if (mode === 'postgres') it("B's LISTEN connection killed again and again while A revokes: B never answers VALID for a revoked key, and catches up", async () => {
      const bId = cluster.instanceIds[1]!;
      assert.match(bId, /^ins_/, 'B logged its instance id');
      const listenerOfB = async () =>
        (await cluster.admin.query('select pid from pg_stat_activity where application_name = $1', [`latchkey invalidation listener ${bId}`])).rows.map((r) => Number(r.pid));
      assert.equal((await listenerOfB()).length, 1, 'B listens');
      const keys = await Promise.all(Array.from({ length: 10 }, (_, i) => createKey(`cut ${i}`)));
      for (const key of keys) assert.equal(await verify(B, key.secret), 'VALID');
      let cutting = true;
      let cuts = 0;
      const cutter = (async () => {
        while (cutting) {
          for (const pid of await listenerOfB()) {
            await cluster.admin.query('select pg_terminate_backend($1)', [pid]);
            cuts++;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      for (const key of keys) {
        assert.equal((await cluster.call(A, 'POST', `/v1/keys/${key.id}/revoke`, owner())).status, 200);
        assert.equal(await verify(B, key.secret), 'REVOKED', 'B, with its listener cut');
      }
      cutting = false;
      await cutter;
      assert.ok(cuts >= 1, 'the listener was cut');
      // The connection comes back (pg.Client does not reconnect by itself: the bus does) and B serves from its cache again.
      const deadline = Date.now() + 15_000;
      while ((await listenerOfB()).length !== 1) {
        assert.ok(Date.now() < deadline, 'B re-listened');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const key of keys) assert.equal(await verify(B, key.secret), 'REVOKED');
      const ackOfB = async () => Number((await cluster.admin.query('select applied_id from invalidation_acks where instance_id = $1', [bId])).rows[0]?.applied_id);
      const latest = Number((await cluster.admin.query('select max(id) as id from invalidation_log')).rows[0].id);
      while ((await ackOfB()) < latest) {
        assert.ok(Date.now() < deadline, 'B acknowledged everything');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    if (mode === 'postgres') it('kill -9 of A during a bulk revoke: B and C keep serving, the bulk is all or nothing, the log stays dense', async () => {
      const keys = await Promise.all(Array.from({ length: 200 }, (_, i) => createKey(`bulk ${i}`)));
      for (const key of keys.slice(0, 20)) assert.equal(await verify(B, key.secret), 'VALID');
      const bulk = cluster.call(A, 'POST', '/v1/keys/bulk', owner(), { action: 'revoke', ids: keys.map((k) => k.id) }).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 40)));
      A.child.kill('SIGKILL');
      await A.exited;
      await bulk;

      const revoked = Number(
        (await cluster.admin.query('select count(*) as n from api_keys where id = any($1) and revoked_at is not null', [keys.map((k) => k.id)])).rows[0].n,
      );
      assert.ok(revoked === 0 || revoked === keys.length, `all or nothing: ${revoked} of ${keys.length} revoked`);
      const expected = revoked === 0 ? 'VALID' : 'REVOKED';
      for (const key of keys) {
        assert.equal(await verify(B, key.secret), expected, 'B');
        assert.equal(await verify(C, key.secret), expected, 'C');
      }
      const ids = (await cluster.admin.query('select id from invalidation_log order by id')).rows.map((r) => Number(r.id));
      assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => ids[0]! + i), 'dense ids');
      const bulkRecords = (await cluster.admin.query('select event from invalidation_log')).rows.filter((r) => JSON.parse(r.event).keyIds?.length === keys.length);
      assert.equal(bulkRecords.length, revoked === 0 ? 0 : 1, 'the bulk is logged exactly when it committed');

      // B can still change things: A's heartbeat is waited for (boundedly) until it goes stale.
      const key = await (async () => {
        const created = await cluster.call(B, 'POST', '/v1/keys', owner(), { name: 'after the kill', permissions: ['latchkey:keys:read'] });
        assert.equal(created.status, 201);
        return created.json as { id: string; secret: string };
      })();
      assert.equal(await verify(C, key.secret), 'VALID');
      assert.equal((await cluster.call(B, 'POST', `/v1/keys/${key.id}/revoke`, owner())).status, 200);
      assert.equal(await verify(C, key.secret), 'REVOKED');
    });
  });
}
