import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addProject, createKey, errorCode, insertKeys } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

type Item = { id: string; name: string; createdAt: string };

/** Follows nextCursor to the end, asserting every page's size, and returns all items in order. */
async function pageThrough(h: TestApp, query: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/keys?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await h.call('GET', url, h.ownerKey);
    assert.equal(response.statusCode, 200, response.body);
    const page = response.json();
    assert.ok(page.items.length <= limit);
    if (page.nextCursor) assert.equal(page.items.length, limit);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function names(h: TestApp, query: string): Promise<string[]> {
  const response = await h.call('GET', `/v1/keys?${query}`, h.ownerKey);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items.map((k: Item) => k.name).sort();
}

function forgeCursor(fields: unknown): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

for (const database of TEST_DATABASES) {
  describe(`${database}: listing API keys`, () => {
    it('pages through 125+ keys with cursor and limit, newest first, with no key missed or repeated', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      // Three batches at three instants: many keys share a creation time, so the id must break ties.
      const made = [];
      for (const count of [60, 40, 25]) {
        h.clock.advance(1000);
        made.push(...(await insertKeys(h, count)));
      }
      const all = await pageThrough(h, '', 50);
      assert.equal(all.length, 126);
      assert.equal(new Set(all.map((k) => k.id)).size, 126);
      for (const m of made) assert.ok(all.some((k) => k.id === m.id));
      for (let i = 1; i < all.length; i++) {
        const [a, b] = [all[i - 1]!, all[i]!];
        assert.ok(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id), `order at ${i}`);
      }
      assert.deepEqual((await pageThrough(h, '', 7)).map((k) => k.id), all.map((k) => k.id));
      assert.deepEqual((await pageThrough(h, '', 200)).map((k) => k.id), all.map((k) => k.id));
      const first = (await h.call('GET', '/v1/keys', h.ownerKey)).json();
      assert.equal(first.items.length, 50);
      assert.ok(first.nextCursor);
    });

    it('searches by name prefix, case-insensitively, treating % and _ literally, and pages in name order', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      for (const name of ['Alpha one', 'alpha two', 'ALPHABET', 'beta alpha', 'al_pha', 'al%x', 'alp', 'Ähnlich']) await createKey(h, { name });
      assert.deepEqual(await names(h, 'search=ALPHA'), ['ALPHABET', 'Alpha one', 'alpha two']);
      assert.deepEqual(await names(h, 'search=al_'), ['al_pha']);
      assert.deepEqual(await names(h, `search=${encodeURIComponent('al%')}`), ['al%x']);
      assert.deepEqual(await names(h, 'search=alpha%20t'), ['alpha two']);
      assert.deepEqual(await names(h, `search=${encodeURIComponent('ähn')}`), ['Ähnlich']);
      assert.deepEqual(await names(h, 'search=zzz'), []);
      const paged = await pageThrough(h, 'search=al', 2);
      assert.deepEqual(paged.map((k) => k.name), ['al%x', 'al_pha', 'alp', 'ALPHABET', 'Alpha one', 'alpha two'].sort((a, b) => {
        const [x, y] = [a.toLowerCase(), b.toLowerCase()];
        return x < y ? -1 : x > y ? 1 : 0;
      }));
    });

    it('filters by status, environment, project and creator', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [p1, p2] = [await addProject(h, 'one'), await addProject(h, 'two')];
      const creator = await createKey(h, { name: 'creator', permissions: ['latchkey:keys:write'] });
      await createKey(h, { name: 'active' });
      const disabled = await createKey(h, { name: 'disabled', enabled: false });
      const expired = await createKey(h, { name: 'expired', expiresAt: new Date(h.clock.now() + 1000).toISOString() });
      const revoked = await createKey(h, { name: 'revoked' });
      await h.call('POST', `/v1/keys/${revoked.id}/revoke`, h.ownerKey);
      await createKey(h, { name: 'test env', environment: 'test' });
      await createKey(h, { name: 'in p1', projectIds: [p1] }, creator.secret);
      await createKey(h, { name: 'in p2', projectIds: [p2] }, creator.secret);
      await createKey(h, { name: 'in both', projectIds: [p1, p2] });
      h.clock.advance(1000);
      assert.deepEqual([disabled.status, expired.status], ['disabled', 'active']);

      const everyone = ['Owner key', 'creator', 'active', 'test env', 'in p1', 'in p2', 'in both'];
      assert.deepEqual(await names(h, 'status=active'), everyone.sort());
      assert.deepEqual(await names(h, 'status=disabled'), ['disabled']);
      assert.deepEqual(await names(h, 'status=expired'), ['expired']);
      assert.deepEqual(await names(h, 'status=revoked'), ['revoked']);
      assert.deepEqual(await names(h, 'environment=test'), ['test env']);
      assert.equal((await names(h, 'environment=live')).length, 9);
      // A project filter lists the keys usable in that project, unrestricted ones included.
      assert.deepEqual(await names(h, `projectId=${p1}&status=active`), ['Owner key', 'active', 'creator', 'in both', 'in p1', 'test env']);
      assert.deepEqual(await names(h, `projectId=${p2}&environment=live&search=in`), ['in both', 'in p2']);
      assert.deepEqual(await names(h, `createdBy=${creator.id}`), ['in p1', 'in p2']);
      assert.deepEqual(await names(h, `createdBy=${h.ownerUserId}`), ['Owner key']);

      for (const query of ['status=lost', 'environment=prod', 'projectId=prj_1', 'createdBy=someone', 'color=red', 'all=true']) {
        const response = await h.call('GET', `/v1/keys?${query}`, h.ownerKey);
        assert.equal(response.statusCode, 400, query);
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
    });

    it('refuses a tampered cursor, or one from other filters, with 400 INVALID_CURSOR; and limits outside 1-200 with 400', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await insertKeys(h, 5);
      const page = (await h.call('GET', '/v1/keys?limit=2', h.ownerKey)).json();
      const cursor: string = page.nextCursor;
      const searchCursor: string = (await h.call('GET', '/v1/keys?limit=2&search=bulk', h.ownerKey)).json().nextCursor;
      const decoded = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString());
      const flipped = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);

      const bad = [
        `cursor=${cursor}&status=active`,
        `cursor=${cursor}&search=bulk`,
        `cursor=${searchCursor}`,
        `cursor=${searchCursor}&search=bul`,
        `cursor=${flipped}`,
        'cursor=not-a-cursor',
        `cursor=${forgeCursor({ ...decoded, v: 'yesterday' })}`,
        `cursor=${forgeCursor({ ...decoded, s: 'name' })}`,
        `cursor=${forgeCursor({ ...decoded, v: 1.5 })}`,
        `cursor=${forgeCursor({ ...decoded, i: 7 })}`,
        `cursor=${forgeCursor([1, 2])}`,
        `cursor=${Buffer.from('null').toString('base64url')}`,
      ];
      for (const query of bad) {
        const response = await h.call('GET', `/v1/keys?limit=2&${query}`, h.ownerKey);
        assert.equal(response.statusCode, 400, query);
        assert.equal(errorCode(response), 'INVALID_CURSOR', query);
      }
      const ok = await h.call('GET', `/v1/keys?limit=2&cursor=${cursor}`, h.ownerKey);
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().items.length, 2);

      for (const limit of ['0', '201', '-1', 'abc', '1.5', '']) {
        const response = await h.call('GET', `/v1/keys?limit=${limit}`, h.ownerKey);
        assert.equal(response.statusCode, 400, `limit=${limit}`);
        assert.equal(errorCode(response), 'VALIDATION_FAILED');
      }
      for (const limit of ['1', '200']) assert.equal((await h.call('GET', `/v1/keys?limit=${limit}`, h.ownerKey)).statusCode, 200);
    });

    it('never shows a secret or its digest, in lists, reads or any other answer after creation', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const keys = [await createKey(h, { name: 'a' }), await createKey(h, { name: 'b', environment: 'test' })];
      const rolled = (await h.call('POST', `/v1/keys/${keys[0]!.id}/regenerate`, h.ownerKey, { gracePeriodSeconds: 60 })).json();
      const secrets = [h.ownerKey, ...keys.map((k) => k.secret), rolled.secret];
      const bodies = [
        (await h.call('GET', '/v1/keys', h.ownerKey)).body,
        (await h.call('GET', '/v1/keys?search=a', h.ownerKey)).body,
        (await h.call('GET', `/v1/keys/${keys[0]!.id}`, h.ownerKey)).body,
        (await h.call('PATCH', `/v1/keys/${keys[1]!.id}`, h.ownerKey, { name: 'c' })).body,
        (await h.call('POST', `/v1/keys/${keys[1]!.id}/disable`, h.ownerKey)).body,
        (await h.call('POST', '/v1/keys/bulk', h.ownerKey, { action: 'enable', ids: keys.map((k) => k.id) })).body,
      ];
      for (const body of bodies) {
        for (const secret of secrets) {
          assert.ok(!body.includes(secret.slice(12)), 'secret body leaked');
          assert.ok(!body.includes(h.latchkey.ctx.digest(secret)), 'digest leaked');
        }
        assert.ok(!/"secret"|"digest"/.test(body));
      }
    });
  });
}
