import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRows } from '../helpers/org-fixtures.js';
import { createTestApp, OWNER_EMAIL, OWNER_PASSWORD } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const BURST = 150;
const RIGHT_AT = 120;
const BUDGET = 30;

/** Counts statuses: every answer other than 429 is one credential that was actually checked. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: failure throttles under a burst`, () => {
    it(`checks at most ${BUDGET} of ${BURST} concurrent sign-ins, so the right password at position ${RIGHT_AT} is refused with 429`, async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: `${BUDGET}/60s` } });
      t.after(() => h.close());
      const responses = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: i === RIGHT_AT ? OWNER_PASSWORD : `wrong password number ${i}` }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      const checked = statuses.filter((s) => s !== 429).length;
      assert.ok(checked <= BUDGET, `${checked} passwords were checked against a budget of ${BUDGET}: ${JSON.stringify(tally(statuses))}`);
      assert.deepEqual(tally(statuses), { 401: BUDGET, 429: BURST - BUDGET });
      const right = responses[RIGHT_AT]!;
      assert.equal(right.statusCode, 429);
      assert.equal(right.json().error.code, 'AUTH_THROTTLED');
      assert.ok(Number(right.headers['retry-after']) >= 1);
      assert.equal(right.headers['set-cookie'], undefined);
      assert.ok(responses.every((r) => r.headers['set-cookie'] === undefined), 'no session cookie was handed out');
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 0, 'no session was opened');

      // Once the window passes, the right password works again, and a success gives its own attempt back.
      h.clock.advance(60_000);
      const again = await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD });
      assert.equal(again.statusCode, 200);
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 1);
    });

    it('a successful sign-in gives back only its own attempt, so successes cannot buy extra guesses', async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: '3/60s' } });
      t.after(() => h.close());
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD })).statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200], 'successes spend nothing');
      for (let i = 0; i < 3; i++) statuses.push((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: `wrong ${i}` })).statusCode);
      statuses.push((await h.call('POST', '/v1/auth/sign-in', null, { email: OWNER_EMAIL, password: OWNER_PASSWORD })).statusCode);
      assert.deepEqual(statuses.slice(6), [401, 401, 401, 429]);
      assert.equal((await auditRows(h, 'auth.sign_in')).length, 6);
    });

    it(`answers at most ${BUDGET} of ${BURST} concurrent bad API credentials with 401, the rest 429, and still accepts a valid key among them`, async (t) => {
      const h = await createTestApp(database, { env: { LATCHKEY_AUTH_FAILURE_LIMIT: `${BUDGET}/60s` } });
      t.after(() => h.close());
      const bogus = (i: number) => `lk_live_notarealkeynotarealkey${String(i).padStart(10, '0')}`;
      const responses = await Promise.all(Array.from({ length: BURST }, (_, i) => h.call('GET', '/v1/projects', i === RIGHT_AT ? h.ownerKey : bogus(i))));
      const statuses = responses.map((r) => r.statusCode);
      assert.equal(statuses[RIGHT_AT], 200, 'a real key is never gated by the failure budget (190 random bits cannot be guessed)');
      statuses.splice(RIGHT_AT, 1);
      assert.deepEqual(tally(statuses), { 401: BUDGET, 429: BURST - 1 - BUDGET });
    });

    it('throttles first-run setup: attempts are reserved before any work, and one burst initializes exactly once', async (t) => {
      const h = await createTestApp(database, { uninitialized: true, env: { LATCHKEY_AUTH_FAILURE_LIMIT: '3/60s' } });
      t.after(() => h.close());
      const body = (i: number) => ({ organizationName: `Org ${i}`, email: `owner${i}@acme.test`, password: 'correct horse battery staple' });
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => h.call('POST', '/v1/setup', null, body(i))));
      const statuses = burst.map((r) => r.statusCode);
      assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
      assert.ok(statuses.filter((s) => s !== 429).length <= 3, JSON.stringify(statuses));
      assert.equal(await h.storage.repos.organizations.count(), 1);

      // The one success gave its attempt back; failures (409) keep theirs until the budget is spent.
      const later: number[] = [];
      for (let i = 0; i < 3; i++) later.push((await h.call('POST', '/v1/setup', null, body(20 + i))).statusCode);
      const spent = statuses.filter((s) => s === 409).length;
      assert.deepEqual(later, [...Array(3 - spent).fill(409), ...Array(spent).fill(429)].slice(0, 3));
      const refused = await h.call('POST', '/v1/setup', null, body(30));
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error.code, 'AUTH_THROTTLED');
      assert.equal(await h.storage.repos.organizations.count(), 1);
    });
  });
}
