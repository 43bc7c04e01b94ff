import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addProject, createKey, declarePermissions, errorCode, storedKey, verify } from '../helpers/key-fixtures.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const DAY = 86_400_000;

for (const database of TEST_DATABASES) {
  describe(`${database}: updating API keys`, () => {
    it('changes name, description, metadata, rate limit, credits, IP ranges and expiry, and stores each', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const key = await createKey(h, { name: 'ci' });
      h.clock.advance(1000);
      const expiresAt = new Date(h.clock.now() + 7 * DAY).toISOString();
      const body = {
        name: 'CI pipeline',
        description: 'runs the tests',
        metadata: { team: 'qa', tier: 2 },
        rateLimit: { limit: 10, windowMs: 60_000 },
        credits: { remaining: 5, refillAmount: 50, refillIntervalMs: 3_600_000 },
        ipRanges: ['10.0.0.0/8', '2001:db8::/32'],
        expiresAt,
      };
      const response = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, body);
      assert.equal(response.statusCode, 200, response.body);
      const updated = response.json();
      assert.equal(updated.name, 'CI pipeline');
      assert.equal(updated.description, 'runs the tests');
      assert.deepEqual(updated.metadata, body.metadata);
      assert.deepEqual(updated.rateLimit, body.rateLimit);
      assert.deepEqual(updated.credits, { remaining: 5, refillAmount: 50, refillIntervalMs: 3_600_000, refilledAt: new Date(h.clock.now()).toISOString() });
      assert.deepEqual(updated.ipRanges, body.ipRanges);
      assert.equal(updated.expiresAt, expiresAt);
      assert.equal(updated.updatedAt, new Date(h.clock.now()).toISOString());
      assert.equal(updated.createdAt, key.createdAt);
      assert.equal(updated.secret, undefined);

      const stored = await storedKey(h, key.id);
      assert.equal(stored?.name, 'CI pipeline');
      assert.equal(stored?.description, 'runs the tests');
      assert.deepEqual(stored?.metadata, body.metadata);
      assert.deepEqual(stored?.rateLimit, body.rateLimit);
      assert.deepEqual(stored?.credits, { remaining: 5, refillAmount: 50, refillIntervalMs: 3_600_000, refilledAt: h.clock.now() });
      assert.deepEqual(stored?.ipRanges, body.ipRanges);
      assert.equal(stored?.expiresAt, Date.parse(expiresAt));
      assert.equal(stored?.updatedAt, h.clock.now());

      // null clears what may be cleared; an empty range list means no restriction.
      const cleared = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { metadata: null, rateLimit: null, credits: null, ipRanges: [], expiresAt: null });
      assert.equal(cleared.statusCode, 200, cleared.body);
      const after = await storedKey(h, key.id);
      assert.deepEqual([after?.metadata, after?.rateLimit, after?.credits, after?.ipRanges, after?.expiresAt], [null, null, null, null, null]);
      assert.equal(after?.name, 'CI pipeline');

      const audit = await h.storage.repos.audit.list({ orgId: h.orgId, targetId: key.id, action: 'key.updated', limit: 10 });
      assert.equal(audit.length, 2);
    });

    it('refuses oversized metadata, bad CIDR, past or malformed expiry and an empty body with 400, changing nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'k', metadata: { a: 1 }, ipRanges: ['192.168.0.0/16'] });
      const before = await storedKey(h, key.id);
      const cases: Array<[unknown, string, string]> = [
        [{ metadata: { blob: 'x'.repeat(h.config.metadataMaxBytes) } }, 'VALIDATION_FAILED', 'metadata'],
        [{ ipRanges: ['10.0.0.0/33'] }, 'VALIDATION_FAILED', 'ipRanges'],
        [{ ipRanges: ['not-an-address'] }, 'VALIDATION_FAILED', 'ipRanges'],
        [{ ipRanges: ['10.0.0.0/8', '2001:db8::/129'] }, 'VALIDATION_FAILED', 'ipRanges'],
        [{ ipRanges: ['10.0.0.0/8/1'] }, 'VALIDATION_FAILED', 'ipRanges'],
        [{ expiresAt: new Date(h.clock.now() - 1000).toISOString() }, 'EXPIRY_IN_PAST', 'expiresAt'],
        [{ expiresAt: new Date(h.clock.now()).toISOString() }, 'EXPIRY_IN_PAST', 'expiresAt'],
        [{ expiresAt: 'next tuesday' }, 'VALIDATION_FAILED', 'expiresAt'],
        [{ expiresAt: '2027-01-01' }, 'VALIDATION_FAILED', 'expiresAt'],
      ];
      for (const [body, code, field] of cases) {
        const response = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(errorCode(response), code, JSON.stringify(body));
        assert.equal(response.json().error.details.field, field);
      }
      for (const body of [{}, { name: '' }, { secret: 'x' }, { rateLimit: { limit: 0, windowMs: 1000 } }, { credits: { remaining: -1 } }]) {
        const response = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      // Nesting is capped too, and a deeply nested body (small, but past any stack) is a 400, not a crash.
      const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const depth of [33, 20_000]) {
        const response = await h.app.inject({
          method: 'PATCH', url: `/v1/keys/${key.id}`, payload: `{"metadata":${nested(depth)}}`,
          headers: { authorization: `Bearer ${h.ownerKey}`, 'content-type': 'application/json' },
        });
        assert.equal(response.statusCode, 400, `depth ${depth}`);
        assert.deepEqual([errorCode(response), response.json().error.details.field], ['VALIDATION_FAILED', 'metadata']);
      }
      assert.equal((await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { metadata: JSON.parse(nested(32)) })).statusCode, 200);
      // Metadata exactly at the cap is accepted.
      const fits = { b: 'x'.repeat(h.config.metadataMaxBytes - '{"b":""}'.length) };
      const atCap = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { metadata: fits });
      assert.equal(atCap.statusCode, 200);
      const after = await storedKey(h, key.id);
      assert.deepEqual({ ...after, metadata: before?.metadata, updatedAt: before?.updatedAt }, before);
    });

    it('narrows permissions and projects, and refuses any widening with 403 PERMISSION_ESCALATION', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h);
      const [p1, p2, p3] = [await addProject(h, 'one'), await addProject(h, 'two'), await addProject(h, 'three')];
      const key = await createKey(h, { name: 'k', permissions: ['tests:write', 'reports:*'], projectIds: [p1, p2] });

      for (const body of [
        { permissions: ['billing:read'] },
        { permissions: ['tests:admin'] },
        { permissions: ['tests:*'] },
        { permissions: ['*'] },
        { permissions: ['tests:read', 'latchkey:keys:read'] },
        { projectIds: [p1, p3] },
        { projectIds: null },
      ]) {
        const response = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, body);
        assert.equal(response.statusCode, 403, JSON.stringify(body));
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION');
      }
      const unchanged = await storedKey(h, key.id);
      assert.deepEqual([unchanged?.permissions, unchanged?.projectIds], [['tests:write', 'reports:*'], [p1, p2].sort()]);

      const narrowed = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { permissions: ['tests:read', 'reports:daily:write'], projectIds: [p2] });
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      assert.deepEqual([narrowed.json().permissions, narrowed.json().projectIds], [['tests:read', 'reports:daily:write'], [p2]]);
      const stored = await storedKey(h, key.id);
      assert.deepEqual([stored?.permissions, stored?.projectIds], [['tests:read', 'reports:daily:write'], [p2]]);

      // Narrowed for good: what was given up cannot be taken back.
      const back = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { permissions: ['tests:write'] });
      assert.equal(errorCode(back), 'PERMISSION_ESCALATION');
      // Narrowed to nothing is allowed: the key then only verifies for checks that ask no permission.
      const empty = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { permissions: [] });
      assert.equal(empty.statusCode, 200, empty.body);
      assert.deepEqual((await storedKey(h, key.id))?.permissions, []);
    });

    it('an expiring credential cannot touch a key that outlives it, and cannot extend one past its own expiry', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const admin = await createKey(h, { name: 'admin', permissions: ['latchkey:keys:read', 'latchkey:keys:write'], expiresIn: '30d' });
      const forever = await createKey(h, { name: 'forever' });
      const before = await storedKey(h, forever.id);
      const refused = await h.call('PATCH', `/v1/keys/${forever.id}`, admin.secret, { name: 'still forever', enabled: false });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(errorCode(refused), 'PERMISSION_ESCALATION');
      assert.equal(refused.json().error.details.reason, 'target_exceeds_caller');
      assert.deepEqual(await storedKey(h, forever.id), before);

      const key = await createKey(h, { name: 'ten days', expiresAt: new Date(h.clock.now() + 10 * DAY).toISOString() });
      const renamed = await h.call('PATCH', `/v1/keys/${key.id}`, admin.secret, { name: 'renamed', enabled: false });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.deepEqual([renamed.json().name, renamed.json().enabled], ['renamed', false]);

      const later = new Date(h.clock.now() + 31 * DAY).toISOString();
      for (const expiresAt of [later, null]) {
        const response = await h.call('PATCH', `/v1/keys/${key.id}`, admin.secret, { expiresAt });
        assert.equal(response.statusCode, 403);
        assert.equal(errorCode(response), 'PERMISSION_ESCALATION');
      }
      const within = new Date(h.clock.now() + 20 * DAY).toISOString();
      const ok = await h.call('PATCH', `/v1/keys/${key.id}`, admin.secret, { expiresAt: within });
      assert.equal(ok.statusCode, 200);
      assert.equal((await storedKey(h, key.id))?.expiresAt, Date.parse(within));
    });

    it('a revoked key cannot be updated, enabled, disabled or regenerated (409), and revoking again changes nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'doomed' });
      const revoked = await h.call('POST', `/v1/keys/${key.id}/revoke`, h.ownerKey);
      assert.equal(revoked.statusCode, 200);
      const revokedAt = revoked.json().revokedAt;
      assert.equal(revokedAt, new Date(h.clock.now()).toISOString());
      const before = await storedKey(h, key.id);

      h.clock.advance(5000);
      for (const [method, path, body] of [
        ['PATCH', '', { name: 'alive again' }],
        ['PATCH', '', { enabled: true }],
        ['POST', '/enable', undefined],
        ['POST', '/disable', undefined],
        ['POST', '/regenerate', {}],
      ] as const) {
        const response = await h.call(method, `/v1/keys/${key.id}${path}`, h.ownerKey, body);
        assert.equal(response.statusCode, 409, `${method} ${path}`);
        assert.equal(errorCode(response), 'KEY_REVOKED');
      }
      const again = await h.call('POST', `/v1/keys/${key.id}/revoke`, h.ownerKey);
      assert.equal(again.statusCode, 200);
      assert.deepEqual([again.json().status, again.json().revokedAt], ['revoked', revokedAt]);
      assert.deepEqual(await storedKey(h, key.id), before);
      const events = await h.storage.repos.audit.list({ orgId: h.orgId, targetId: key.id, limit: 10 });
      assert.deepEqual(events.map((e) => e.action).sort(), ['key.created', 'key.revoked']);
      assert.equal((await verify(h, { key: key.secret })).code, 'REVOKED');
    });
  });
}
