import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { coveredByAny } from '../../src/domain/permission-pattern.js';
import { ROLE_GRANTS, ROLES, type Role } from '../../src/domain/roles.js';
import { addMember, signIn } from '../helpers/org-fixtures.js';
import { basic, consent, formPost, pkcePair, REDIRECT_URI, registerApp } from '../helpers/oauth-fixtures.js';
import { fcParams } from '../helpers/fc-seed.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const POOL = [
  '*',
  'latchkey:projects:read',
  'latchkey:projects:write',
  'latchkey:members:read',
  'latchkey:members:write',
  'latchkey:keys:read',
  'latchkey:keys:write',
  'latchkey:audit:read',
  'latchkey:tokens:write',
] as const;
/** What the verify endpoint is asked about: every concrete permission of the pool. */
const PROBES = POOL.filter((p) => p !== '*');

const scenario = fc.record({
  role: fc.constantFrom<Role>(...ROLES),
  allowed: fc.subarray<string>([...POOL], { minLength: 1 }),
  pick: fc.array(fc.nat(), { maxLength: 4 }),
  later: fc.array(fc.constantFrom<Role>(...ROLES), { minLength: 1, maxLength: 2 }),
  format: fc.constantFrom('opaque', 'jwt'),
});

/**
 * The OAuth escalation property: whatever roles, allowed scopes, requested scopes, token format and later role
 * changes, an access token's rights as the verify endpoint reports them are never more than the user's current
 * role ∩ the application's allowed scopes ∩ the scope granted.
 */
for (const database of TEST_DATABASES) {
  describe(`${database}: OAuth escalation property`, () => {
    it('a token never verifies for more than current role ∩ allowed scopes ∩ granted scope', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      let run = 0;
      let valid = 0;
      let issued = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async ({ role, allowed, pick, later, format }) => {
          run += 1;
          const email = `p${run}@acme.test`;
          const userId = await addMember(h, email, role);
          const session = await signIn(h, email, 'a long enough password');
          const app = await registerApp(h, { name: `App ${run}`, scopes: allowed, accessTokenFormat: format });
          const requested = [...new Set(pick.map((i) => allowed[i % allowed.length]!))];
          const { verifier, challenge } = pkcePair();
          const query = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: REDIRECT_URI, state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
          // No scope at all asks for everything the application may ask for.
          if (requested.length > 0) query.set('scope', requested.join(' '));
          const page = await h.app.inject({ method: 'GET', url: `/oauth/authorize?${query}`, headers: { cookie: session.cookie } });
          const asked = requested.length === 0 ? allowed : requested;
          const grantable = asked.filter((s) => coveredByAny(ROLE_GRANTS[role], s));
          if (grantable.length === 0) {
            // Nothing the role holds: refused at the authorization endpoint, no code at all.
            assert.equal(page.statusCode, 303, page.body);
            assert.equal(new URL(String(page.headers.location)).searchParams.get('error'), 'invalid_scope');
            return;
          }
          const { location } = await consent(h, session, `http://x/oauth/authorize?${query}`);
          const code = new URL(location).searchParams.get('code')!;
          const tokens = await formPost(h, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { authorization: basic(app.clientId, app.clientSecret!) });
          assert.equal(tokens.statusCode, 200, tokens.body);
          const { access_token: token, scope } = tokens.json();
          const granted = String(scope).split(' ');
          issued += 1;
          for (const s of granted) assert.ok(asked.includes(s) && coveredByAny(ROLE_GRANTS[role], s), `granted ${s} was asked for and held`);

          for (const next of later) {
            const changed = await h.call('PATCH', `/v1/members/${userId}`, h.ownerKey, { role: next });
            assert.equal(changed.statusCode, 200, changed.body);
            for (const probe of PROBES) {
              const answer = await h.call('POST', '/v1/keys/verify', h.ownerKey, { key: token, permissions: probe });
              assert.equal(answer.statusCode, 200, answer.body);
              const bound = coveredByAny(ROLE_GRANTS[next], probe) && coveredByAny(allowed, probe) && coveredByAny(granted, probe);
              if (answer.json().valid) valid += 1;
              if (answer.json().valid) assert.ok(bound, `${format} token (role ${role}→${next}, allowed ${allowed}, granted ${granted}) verified for ${probe}`);
            }
          }
        }),
        fcParams({ numRuns: 25 }),
      );
      // The property is only as good as the cases that reached a token and a positive answer.
      assert.ok(issued >= 10 && valid >= 10, `${issued} tokens, ${valid} valid answers`);
    });
  });
}
