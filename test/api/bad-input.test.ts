import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { buildApp } from '../../src/server/build-app.js';
import { ROUTER_MAX_PARAM_LENGTH } from '../../src/server/schemas/common.js';
import { createLatchkey } from '../../src/services/create-latchkey.js';
import { changesBetween, snapshotDatabase } from '../fuzz/database-snapshot.js';
import { routesOf } from '../fuzz/openapi-routes.js';
import { createKey } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

/**
 * Bad input never reaches the database as something it refuses (a 500 on PostgreSQL, where SQLite shrugged),
 * and is always answered with a 4xx and the standard body, leaving storage as it was.
 */
const LISTINGS = ['/v1/keys', '/v1/tokens', '/v1/projects', '/v1/members', '/v1/audit'];

function codeOf(res: LightMyRequestResponse): string | undefined {
  return (res.json() as { error?: { code?: string; requestId?: string } }).error?.code;
}

function assertError(res: LightMyRequestResponse, status: number, code: string, what: string): void {
  assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  const body = res.json() as { error: { code: string; requestId: string; details: unknown; message: string } };
  assert.equal(body.error.code, code, what);
  assert.equal(body.error.requestId, res.headers['x-request-id'], `${what}: request id`);
  assert.equal(typeof body.error.message, 'string');
}

/** Sends a raw payload with exactly the given headers (inject adds no content type of its own to a string). */
function send(h: TestApp, method: string, url: string, headers: Record<string, string>, payload?: string | Buffer) {
  return h.app.inject({ method: method as 'POST', url, headers: { authorization: `Bearer ${h.ownerKey}`, ...headers }, ...(payload !== undefined ? { payload } : {}) });
}

/** An unsigned cursor in the shape the server used to accept: base64url JSON. */
const unsigned = (fields: unknown) => Buffer.from(JSON.stringify(fields)).toString('base64url');

for (const database of TEST_DATABASES) {
  describe(`${database}: bad input is a 4xx with the standard body, never a 5xx`, () => {
    it('refuses forged, unsigned, edited and hostile cursors on every listing with 400 INVALID_CURSOR, and pages with real ones', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (let i = 0; i < 3; i++) await createKey(h, { name: `k${i}` });
      const before = await snapshotDatabase(h.storage);
      const auditScope = JSON.stringify(['audit', null, null, null, null, null]);
      // What once reached SQL: non-numeric audit positions (PostgreSQL: invalid input syntax for bigint) and NULs.
      const hostile = [
        unsigned({ s: 'created', v: 'abc', i: 'evt_aaaaaaaaaaaaaaaaaaaa', f: auditScope }),
        unsigned({ s: 'created', v: '1e400', i: 'evt_aaaaaaaaaaaaaaaaaaaa', f: auditScope }),
        unsigned({ s: 'email', v: 'a\u0000b', i: 'usr_aaaaaaaaaaaaaaaaaaaa', f: 'members' }),
        unsigned({ s: 'name', v: 'x\u0000', i: 'prj_aaaaaaaaaaaaaaaaaaaa', f: JSON.stringify(['projects', null]) }),
        unsigned({ s: 'created', v: 1, i: 'key_\u0000aaaaaaaaaaaaaaaaaaa', f: JSON.stringify(['org_key', null, null, null, null, null, false]) }),
        'abc',
        '1e400',
        `${unsigned({ s: 'created', v: 1, i: 'evt_aaaaaaaaaaaaaaaaaaaa' })}.${'A'.repeat(22)}`,
      ];
      for (const path of LISTINGS) {
        for (const cursor of hostile) {
          const res = await h.call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`, h.ownerKey);
          assertError(res, 400, 'INVALID_CURSOR', `${path} cursor ${cursor.slice(0, 40)}`);
        }
        // A NUL in the query string itself is refused by validation before any service sees it.
        assertError(await h.call('GET', `${path}?cursor=a%00b`, h.ownerKey), 400, 'VALIDATION_FAILED', `${path} NUL cursor`);
      }

      // A real cursor pages; the same cursor with one character of its payload or signature changed does not.
      const first = (await h.call('GET', '/v1/audit?limit=1', h.ownerKey)).json();
      assert.match(first.nextCursor, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
      const second = await h.call('GET', `/v1/audit?limit=1&cursor=${first.nextCursor}`, h.ownerKey);
      assert.equal(second.statusCode, 200, second.body);
      assert.notEqual(second.json().items[0].id, first.items[0].id);
      const [payload, mac] = (first.nextCursor as string).split('.') as [string, string];
      const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
      for (const edited of [`${flip(payload, 3)}.${mac}`, `${payload}.${flip(mac, 5)}`, payload]) {
        assertError(await h.call('GET', `/v1/audit?limit=1&cursor=${edited}`, h.ownerKey), 400, 'INVALID_CURSOR', 'edited cursor');
      }
      // Signed for the audit listing, refused by the keys listing and by other audit filters.
      assertError(await h.call('GET', `/v1/keys?cursor=${first.nextCursor}`, h.ownerKey), 400, 'INVALID_CURSOR', 'cursor of another listing');
      assertError(await h.call('GET', `/v1/audit?action=key.created&cursor=${first.nextCursor}`, h.ownerKey), 400, 'INVALID_CURSOR', 'cursor of other filters');
      assert.deepEqual(changesBetween(before, await snapshotDatabase(h.storage)), {});
    });

    it('signs cursors with one key per database: stored once, found by every instance, derived from the pepper when there is one', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (let i = 0; i < 3; i++) await createKey(h, { name: `k${i}` });
      const secrets = await h.storage.repos.serverSecrets.getOrCreate('cursor-hmac-v1', 'not-the-first', 0);
      assert.notEqual(secrets, 'not-the-first', 'the key was generated and stored when the app was built');
      // Instances starting at once all offer a candidate; every one of them reads the same winner.
      const raced = await Promise.all(Array.from({ length: 8 }, (_, i) => h.storage.repos.serverSecrets.getOrCreate('race-test', `candidate-${i}`, 0)));
      assert.equal(new Set(raced).size, 1);

      // A second instance on the same database accepts the first one's cursors.
      const other = createLatchkey(h.config, h.storage, { now: h.clock.now });
      const otherApp = await buildApp(other);
      t.after(async () => {
        await otherApp.close();
        await other.stop();
      });
      const page = (await h.call('GET', '/v1/keys?limit=1', h.ownerKey)).json();
      const there = await otherApp.inject({ method: 'GET', url: `/v1/keys?limit=1&cursor=${page.nextCursor}`, headers: { authorization: `Bearer ${h.ownerKey}` } });
      assert.equal(there.statusCode, 200, there.body);

      // With a pepper the key is derived from it and nothing more is stored; a cursor of the stored key is refused.
      const peppered = createLatchkey({ ...h.config, pepper: 'a pepper of at least some length' }, h.storage, { now: h.clock.now });
      const pepperedKey = await peppered.ctx.cursorKey();
      assert.notDeepEqual(pepperedKey, await h.latchkey.ctx.cursorKey());
      assert.deepEqual(await createLatchkey({ ...h.config, pepper: 'a pepper of at least some length' }, h.storage).ctx.cursorKey(), pepperedKey);
      const rows = await h.storage.repos.serverSecrets.getOrCreate('cursor-hmac-v1', 'x', 0);
      assert.equal(rows, secrets);
      await assert.rejects(peppered.keys.list(await h.latchkey.authenticator.fromKey(h.ownerKey, null, false), { limit: 1, cursor: page.nextCursor }), (e: { code?: string }) => e.code === 'INVALID_CURSOR');
      await peppered.stop();
    });

    it('refuses NUL and lone surrogates in every part of a request with 400 VALIDATION_FAILED, storing nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'target' });
      assert.equal((await h.call('POST', '/v1/permissions', h.ownerKey, { name: 'tests:read', description: '' })).statusCode, 201);
      const before = await snapshotDatabase(h.storage);
      const json = { 'content-type': 'application/json' };
      const cases: Array<[string, string, string | undefined]> = [
        // A NUL in a path parameter with no pattern of its own reached PostgreSQL and was a 500.
        ['DELETE', '/v1/permissions/tests%00read', undefined],
        ['DELETE', '/v1/permissions/tests:read%00', undefined],
        ['GET', '/v1/keys?search=a%00', undefined],
        ['GET', '/v1/audit?action=key.created%00', undefined],
        ['GET', '/v1/audit?targetId=%00', undefined],
        ['POST', '/v1/permissions', '{"name":"tests:write\\u0000","description":""}'],
        ['POST', '/v1/projects', '{"name":"lone \\ud800 surrogate"}'],
        ['POST', '/v1/projects', '{"name":"ok","description":"lone \\udc00 low"}'],
        ['POST', '/v1/keys', '{"name":"meta","permissions":["latchkey:keys:read"],"metadata":{"a\\u0000b":1}}'],
        ['POST', '/v1/keys', '{"name":"meta","permissions":["latchkey:keys:read"],"metadata":{"deep":[{"x":"\\ud83d"}]}}'],
        ['PATCH', `/v1/keys/${key.id}`, '{"description":"nul \\u0000 here"}'],
        ['POST', '/v1/keys/verify', '{"key":"x","projectId":"\\u0000"}'],
        ['POST', '/v1/auth/sign-in', '{"email":"owner@acme.test","password":"\\u0000"}'],
      ];
      for (const [method, url, payload] of cases) {
        const res = await send(h, method, url, payload === undefined ? {} : json, payload);
        assertError(res, 400, 'VALIDATION_FAILED', `${method} ${url} ${payload ?? ''}`);
      }
      // A paired surrogate (an emoji) is ordinary text.
      assert.equal((await send(h, 'POST', '/v1/projects', json, '{"name":"rocket \\ud83d\\ude80"}')).statusCode, 201);
      const after = await snapshotDatabase(h.storage);
      const changes = changesBetween(before, after);
      assert.deepEqual(Object.keys(changes).sort(), ['audit_events', 'projects']);
      assert.equal(changes.projects!.added.length, 1);
      assert.match(changes.projects!.added[0]!, /rocket 🚀/);
    });

    it('refuses timestamps that are not strict ISO 8601 (second 60, month 13, February 30, hour 24) with 400, storing nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'target' });
      const before = await snapshotDatabase(h.storage);
      const bad = ['2026-12-31T23:59:60Z', '2026-01-01T00:00:60Z', '2026-13-01T00:00:00Z', '2027-02-30T00:00:00Z', '2028-01-01T24:00:00Z', '2028-01-01T12:00:00+24:00', '2028-01-01 12:00:00Z', '2028-01-01'];
      for (const at of bad) {
        for (const field of ['since', 'until']) {
          assertError(await h.call('GET', `/v1/audit?${field}=${encodeURIComponent(at)}`, h.ownerKey), 400, 'VALIDATION_FAILED', `audit ${field}=${at}`);
        }
        assertError(await h.call('GET', `/v1/keys/${key.id}/usage?since=${encodeURIComponent(at)}`, h.ownerKey), 400, 'VALIDATION_FAILED', `usage since=${at}`);
        assertError(await h.call('POST', '/v1/keys', h.ownerKey, { name: 'later', permissions: ['latchkey:keys:read'], expiresAt: at }), 400, 'VALIDATION_FAILED', `create expiresAt=${at}`);
        assertError(await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, { expiresAt: at }), 400, 'VALIDATION_FAILED', `update expiresAt=${at}`);
      }
      assert.deepEqual(changesBetween(before, await snapshotDatabase(h.storage)), {});
      // Strict is not narrow: offsets, fractions and leap days are fine.
      for (const at of ['2028-02-29T12:00:00Z', '2028-01-01T12:00:00.123456+05:30', '2028-01-01T12:00:00-08:00']) {
        assert.equal((await h.call('GET', `/v1/audit?since=${encodeURIComponent(at)}`, h.ownerKey)).statusCode, 200, at);
      }
      const dated = await h.call('POST', '/v1/keys', h.ownerKey, { name: 'leap', permissions: ['latchkey:keys:read'], expiresAt: '2028-02-29T12:00:00+01:00' });
      assert.equal(dated.statusCode, 201, dated.body);
      assert.equal(dated.json().expiresAt, '2028-02-29T11:00:00.000Z');
    });

    it('answers a non-empty body that is not JSON with 415 on every route, and takes an empty body as no body', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'target' });
      const keyRow = async () => (await h.storage.repos.keys.findById(h.orgId, key.id)) ;
      const before = await snapshotDatabase(h.storage);
      const createBody = JSON.stringify({ name: 'typed', permissions: ['latchkey:keys:read'] });
      const refused: Array<[string, string, Record<string, string>, string]> = [
        // A revoke with a text/plain body used to succeed, the body silently dropped.
        ['POST', `/v1/keys/${key.id}/revoke`, { 'content-type': 'text/plain' }, 'please'],
        ['POST', `/v1/keys/${key.id}/disable`, {}, 'no type at all'],
        ['DELETE', `/v1/keys/${key.id}`, { 'content-type': 'text/plain' }, 'x'],
        ['POST', `/v1/keys/${key.id}/regenerate`, { 'content-type': 'application/x-www-form-urlencoded' }, 'gracePeriodSeconds=5'],
        ['POST', '/v1/keys', { 'content-type': 'text/plain' }, createBody],
        ['POST', '/v1/keys', {}, createBody],
        ['POST', '/v1/keys', { 'content-type': 'application/json; charset=latin1' }, createBody],
        ['POST', '/v1/keys', { 'content-type': 'application/vnd.api+json' }, createBody],
        ['PATCH', `/v1/keys/${key.id}`, { 'content-type': 'text/plain' }, '{"name":"renamed"}'],
        ['POST', '/v1/keys/verify', { 'content-type': 'text/plain' }, JSON.stringify({ key: key.secret })],
      ];
      for (const [method, url, headers, payload] of refused) {
        assertError(await send(h, method, url, headers, payload), 415, 'UNSUPPORTED_MEDIA_TYPE', `${method} ${url} ${JSON.stringify(headers)}`);
      }
      assert.deepEqual(changesBetween(before, await snapshotDatabase(h.storage)), {});
      assert.equal((await keyRow())?.revokedAt, null);

      // Routes without a body, and regenerate whose body is optional, take an empty body under any type.
      for (const type of ['text/plain', 'application/json', 'application/octet-stream', undefined]) {
        const headers: Record<string, string> = type ? { 'content-type': type } : {};
        assert.equal((await send(h, 'POST', `/v1/keys/${key.id}/disable`, headers, '')).statusCode, 200, `disable with empty ${type}`);
        assert.equal((await send(h, 'POST', `/v1/keys/${key.id}/enable`, headers, '')).statusCode, 200, `enable with empty ${type}`);
        const rolled = await send(h, 'POST', `/v1/keys/${key.id}/regenerate`, headers, '');
        assert.equal(rolled.statusCode, 200, `regenerate with empty ${type}: ${rolled.body}`);
      }
      assert.equal((await send(h, 'POST', `/v1/keys/${key.id}/regenerate`, { 'content-type': 'application/json' }, 'null')).statusCode, 200);
      // JSON on a route without a body is read (so broken JSON is still refused) and ignored.
      assertError(await send(h, 'POST', `/v1/keys/${key.id}/disable`, { 'content-type': 'application/json' }, '{"a":'), 400, 'MALFORMED_JSON', 'broken JSON on a bodiless route');
      assert.equal((await send(h, 'POST', `/v1/keys/${key.id}/disable`, { 'content-type': 'application/json' }, '{}')).statusCode, 200);
      assert.equal((await keyRow())?.enabled, false);
      // A route that needs a body says so for an empty one.
      assertError(await send(h, 'POST', '/v1/keys', { 'content-type': 'application/json' }, ''), 400, 'MALFORMED_JSON', 'create with an empty body');
      assertError(await send(h, 'POST', '/v1/keys', {}, ''), 400, 'MALFORMED_JSON', 'create with no body');
      assert.equal((await send(h, 'POST', '/v1/keys', { 'content-type': 'application/json; charset=UTF-8' }, createBody)).statusCode, 201);
      // A path that is no route is a 404, whatever its body.
      assertError(await send(h, 'POST', '/v1/no-such-route', { 'content-type': 'text/plain' }, 'x'), 404, 'NOT_FOUND', 'unknown route with a text body');
      assertError(await send(h, 'POST', '/v1/no-such-route', { 'content-type': 'application/json' }, '{"a":'), 404, 'NOT_FOUND', 'unknown route with broken JSON');
      assert.equal((await send(h, `POST`, `/v1/keys/${key.id}/revoke`, { 'content-type': 'text/plain' }, '')).statusCode, 200);
      assert.notEqual((await keyRow())?.revokedAt, null);
    });

    it('refuses __proto__ and constructor.prototype in any JSON body with 400 MALFORMED_JSON, storing nothing', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const before = await snapshotDatabase(h.storage);
      for (const payload of [
        '{"name":"p","permissions":["latchkey:keys:read"],"__proto__":{"isAdmin":true}}',
        '{"name":"p","permissions":["latchkey:keys:read"],"metadata":{"x":{"\\u005f_proto__":{"a":1}}}}',
        '{"name":"p","permissions":["latchkey:keys:read"],"metadata":{"constructor":{"prototype":{"a":1}}}}',
      ]) {
        assertError(await send(h, 'POST', '/v1/keys', { 'content-type': 'application/json' }, payload), 400, 'MALFORMED_JSON', payload);
      }
      assert.deepEqual(changesBetween(before, await snapshotDatabase(h.storage)), {});
      // Words that merely look alike are ordinary data.
      const fine = await send(h, 'POST', '/v1/keys', { 'content-type': 'application/json' }, '{"name":"__proto__","permissions":["latchkey:keys:read"],"metadata":{"constructor":"x"}}');
      assert.equal(fine.statusCode, 201, fine.body);
    });

    it('deletes a permission with a 128-character name, and lets the schema, not the router, limit every path parameter', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const long = `reports:${'a'.repeat(120)}`;
      assert.equal(long.length, 128);
      assert.equal((await h.call('POST', '/v1/permissions', h.ownerKey, { name: long, description: 'long' })).statusCode, 201);
      const removed = await h.call('DELETE', `/v1/permissions/${long}`, h.ownerKey);
      assert.equal(removed.statusCode, 204, removed.body);
      assert.deepEqual((await h.storage.repos.permissions.list(h.orgId)).map((p) => p.name), []);

      await h.app.ready();
      const routes = routesOf(h.app.swagger()).filter((r) => r.pathParams.length > 0);
      assert.ok(routes.length >= 10);
      for (const route of routes) {
        for (const param of route.pathParams) {
          const max = param.schema.maxLength;
          assert.ok(max !== undefined, `${route.method} ${route.path}: {${param.name}} has no maxLength`);
          // The longest value the schema could allow, in UTF-16 code units, still reaches the schema.
          assert.ok(2 * max < ROUTER_MAX_PARAM_LENGTH, `${route.path}: router limit below {${param.name}}'s maxLength`);
          let url = route.path;
          for (const p of route.pathParams) url = url.replace(`{${p.name}}`, p === param ? encodeURIComponent('🔑'.repeat(max + 1)) : 'key_aaaaaaaaaaaaaaaaaaaa');
          const res = await send(h, route.method, url, route.body ? { 'content-type': 'application/json' } : {}, route.body ? '{}' : undefined);
          assertError(res, 400, 'VALIDATION_FAILED', `${route.method} ${url.slice(0, 80)}`);
          assert.equal((res.json() as { error: { details: { in: string } } }).error.details.in, 'params');
        }
      }
    });

    it('refuses a token in the URL however it is encoded, padded or cased, in the query or the path', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const key = await createKey(h, { name: 'leaked' });
      const token = key.secret;
      const [prefix, type, body] = token.split('_') as [string, string, string];
      const variants = [
        token,
        ` ${token}`,
        `${token}\n`,
        `Bearer ${token}`,
        `bearer:${token}`,
        `${prefix.toUpperCase()}_${type.toUpperCase()}_${body}`,
        `${prefix}%5F${type}%5f${body}`,
        `${prefix}%255F${type}%255F${body}`,
        `${prefix}%25255F${type}%25255F${body}`,
        `${prefix}_${type}_${body.slice(0, 20)}`,
        `x${token}x`,
      ];
      for (const variant of variants) {
        for (const url of [
          `/v1/keys?search=${encodeURIComponent(variant)}`,
          `/v1/keys?search=${encodeURIComponent(encodeURIComponent(variant))}`,
          `/v1/keys?${encodeURIComponent(variant)}`,
          `/v1/keys?limit=5&q=${variant.replace(/ /g, '+').replace(/\n/g, '%0A')}`,
          `/v1/keys/${encodeURIComponent(variant)}`,
          `/v1/keys/${encodeURIComponent(variant)}/revoke`,
        ]) {
          const res = await h.call(url.endsWith('/revoke') ? 'POST' : 'GET', url, h.ownerKey);
          assertError(res, 400, 'CREDENTIAL_IN_QUERY', `${url.slice(0, 120)}`);
        }
      }
      // Refused before authentication: the leaked key was never used, and nothing changed.
      assert.equal((await h.storage.repos.keys.findById(h.orgId, key.id))?.revokedAt, null);
      // Ordinary values are not tokens.
      assert.equal((await h.call('GET', `/v1/keys?search=${encodeURIComponent(`${prefix}_${type}_short`)}`, h.ownerKey)).statusCode, 200);
      assert.equal(codeOf(await h.call('GET', '/v1/keys?search=live_test_pat', h.ownerKey)), undefined);
    });

    it('keeps the URL credential rule for the verification path, which the fast path hands to Fastify', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      const address = h.app.server.address() as { port: number };
      const leaked = generateToken(DEFAULT_TOKEN_FORMAT, 'live');
      for (const query of [`?x=${leaked}`, `?x=Bearer%20${leaked}`, `?x=${leaked.replace(/_/g, '%255F')}`]) {
        const res = await fetch(`http://127.0.0.1:${address.port}/v1/keys/verify${query}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${h.ownerKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ key: leaked }),
        });
        const answer = (await res.json()) as { error: { code: string; requestId: string } };
        assert.deepEqual([res.status, answer.error.code], [400, 'CREDENTIAL_IN_QUERY'], query);
        assert.equal(answer.error.requestId, res.headers.get('x-request-id'));
      }
    });
  });
}
