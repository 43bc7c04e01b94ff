import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { FC_SEED } from '../helpers/fc-seed.js';
import type { LightMyRequestResponse } from 'fastify';
import { percentDecodeFully } from '../../src/domain/percent-decode.js';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import { loggerOptions } from '../../src/server/logger-options.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';
import { routesOf } from '../fuzz/openapi-routes.js';
import { plausibleValue, toJson } from '../fuzz/plausible-values.js';

/**
 * Every secret the app ever sees (keys, personal tokens, passwords, session cookies, CSRF tokens, and tokens
 * clients send by mistake) is a canary: the app logs at trace level through its own redaction and serializers
 * while every route is driven, successes and failures alike, and no log line may contain any canary.
 */
const PASSWORD = 'canary-password-Qx7!vT2#pL9@';
const MEMBER_PASSWORD = 'canary-member-password-Zr4$wK8';
const WRONG_PASSWORD = 'canary-wrong-password-Hn3%bM6';

class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

/** A token of the right shape whose checksum is wrong: refused before storage, but still a secret to keep. */
function corrupted(token: string): string {
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return token.slice(0, -1) + last;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: secrets never reach the logs`, () => {
    it('logs no key, token, password, cookie or CSRF token while every route succeeds and fails', async (t) => {
      const sink = new LogSink();
      const h = await createTestApp(database, {
        uninitialized: true,
        env: { LATCHKEY_AUTH_HEADER: 'Token', LATCHKEY_AUTH_FAILURE_LIMIT: '1000000/60s' },
        logger: { ...(loggerOptions('trace', 'token') as object), stream: sink },
      });
      t.after(() => h.close());
      const canaries = new Set<string>([PASSWORD, MEMBER_PASSWORD, WRONG_PASSWORD]);
      const secretOf = (res: LightMyRequestResponse, path: (b: any) => string | undefined = (b) => b.secret): string => {
        const secret = path(res.json());
        assert.ok(secret, `no secret in ${res.statusCode} ${res.body.slice(0, 300)}`);
        canaries.add(secret);
        return secret;
      };
      const inject = (method: string, url: string, headers: Record<string, string>, payload?: string) =>
        h.app.inject({ method: method as 'GET', url, headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(payload !== undefined ? { payload } : {}) });
      const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

      // First run over HTTP: the password goes in, the owner key comes out.
      const setup = await inject('POST', '/v1/setup', {}, JSON.stringify({ organizationName: 'Canary Inc', email: 'owner@canary.test', password: PASSWORD }));
      assert.equal(setup.statusCode, 201, setup.body);
      const owner = secretOf(setup, (b) => b.ownerKey?.secret);

      // A dashboard session: its cookie and CSRF token are secrets too.
      const signInAs = async (email: string, password: string) => {
        const res = await inject('POST', '/v1/auth/sign-in', {}, JSON.stringify({ email, password }));
        assert.equal(res.statusCode, 200, res.body);
        const cookie = res.cookies.find((c) => c.name === 'latchkey_session')?.value ?? '';
        assert.ok(cookie);
        canaries.add(cookie);
        return { cookie: `latchkey_session=${cookie}`, 'x-csrf-token': secretOf(res, (b) => b.csrfToken) };
      };
      const session = await signInAs('owner@canary.test', PASSWORD);
      assert.equal((await inject('POST', '/v1/auth/sign-in', {}, JSON.stringify({ email: 'owner@canary.test', password: WRONG_PASSWORD }))).statusCode, 401);

      const invitation = await inject('POST', '/v1/invitations', bearer(owner), JSON.stringify({ email: 'member@canary.test', role: 'admin' }));
      const invitationToken = secretOf(invitation, (b) => b.token);
      const member = await inject('POST', '/v1/invitations/accept-new-account', {}, JSON.stringify({ token: invitationToken, password: MEMBER_PASSWORD }));
      assert.ok(member.statusCode < 300, member.body);
      assert.equal((await inject('POST', '/v1/invitations/accept-new-account', {}, JSON.stringify({ token: invitationToken, password: MEMBER_PASSWORD }))).statusCode, 404);
      const project = await inject('POST', '/v1/projects', bearer(owner), JSON.stringify({ name: 'Canary project' }));
      assert.ok(project.statusCode < 300, project.body);

      const createKey = async (name: string, extra: Record<string, unknown> = {}) => {
        const res = await inject('POST', '/v1/keys', bearer(owner), JSON.stringify({ name, permissions: ['*'], ...extra }));
        assert.equal(res.statusCode, 201, res.body);
        return { id: res.json().id as string, secret: secretOf(res) };
      };
      const admin = await createKey('admin');
      const spare = await createKey('spare', { environment: 'test' });
      const revoked = await createKey('revoked');
      assert.equal((await inject('POST', `/v1/keys/${revoked.id}/revoke`, bearer(owner))).statusCode, 200);
      const disabled = await createKey('disabled');
      assert.equal((await inject('POST', `/v1/keys/${disabled.id}/disable`, bearer(owner))).statusCode, 200);
      const expiring = await createKey('expiring', { expiresAt: new Date(h.clock.now() + 60_000).toISOString() });
      h.clock.advance(120_000);
      const rolled = await createKey('rolled');
      const regenerated = await inject('POST', `/v1/keys/${rolled.id}/regenerate`, bearer(owner), JSON.stringify({ gracePeriodSeconds: 3600 }));
      const newRolled = secretOf(regenerated);
      const pat = await inject('POST', '/v1/tokens', session, JSON.stringify({ description: 'canary PAT', permissions: ['latchkey:keys:read'] }));
      assert.equal(pat.statusCode, 201, pat.body);
      const patSecret = secretOf(pat);
      const unknown = generateToken(DEFAULT_TOKEN_FORMAT, 'live');
      canaries.add(unknown);
      const badChecksum = corrupted(admin.secret);
      canaries.add(badChecksum);

      // OAuth: the client secret, the code, access and refresh tokens, through success and failure.
      const registered = await inject('POST', '/v1/oauth/applications', bearer(owner), JSON.stringify({ name: 'Canary app', redirectUris: ['https://canary.example/cb'], scopes: ['latchkey:keys:read'] }));
      assert.equal(registered.statusCode, 201, registered.body);
      const clientId = registered.json().application.clientId as string;
      const clientSecret = secretOf(registered, (b) => b.clientSecret);
      // Its access tokens are JWTs (RFC 9068), so the walk below carries a JWT too; ccToken stays an opaque one.
      assert.equal((await inject('PATCH', `/v1/oauth/applications/${registered.json().application.id}`, bearer(owner), JSON.stringify({ accessTokenFormat: 'jwt' }))).statusCode, 200);
      const verifier = 'canary-verifier-0123456789abcdefghijklmnopqrstuvwxyz';
      canaries.add(verifier);
      const { createHash } = await import('node:crypto');
      const authorizeUrl = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'https://canary.example/cb', scope: 'latchkey:keys:read', state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' })}`;
      const consentPage = await inject('GET', authorizeUrl, { cookie: session.cookie });
      const fields = Object.fromEntries([...consentPage.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
      canaries.add(fields.csrf_token!);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const approved = await h.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { cookie: session.cookie, ...form }, payload: new URLSearchParams({ ...fields, decision: 'approve' }).toString() });
      const code = new URL(String(approved.headers.location)).searchParams.get('code')!;
      assert.ok(code, approved.body);
      canaries.add(code);
      const basicAuth = { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
      const exchanged = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...basicAuth, ...form }, payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://canary.example/cb', code_verifier: verifier }).toString() });
      const oauthAccess = secretOf(exchanged, (b) => b.access_token);
      const oauthRefresh = secretOf(exchanged, (b) => b.refresh_token);
      assert.match(oauthAccess, /^eyJ/, 'the code flow issued a JWT access token');
      await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...basicAuth, ...form }, payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://canary.example/cb', code_verifier: verifier }).toString() });
      const refreshed = await inject('POST', '/oauth/token', {}, JSON.stringify({ grant_type: 'refresh_token', refresh_token: oauthRefresh, client_id: clientId, client_secret: clientSecret }));
      secretOf(refreshed, (b) => b.error ?? b.access_token);
      await inject('POST', '/oauth/token', {}, JSON.stringify({ grant_type: 'refresh_token', refresh_token: oauthRefresh, client_id: clientId, client_secret: corrupted(clientSecret) }));
      await inject('POST', '/oauth/introspect', basicAuth, JSON.stringify({ token: oauthAccess }));
      await inject('POST', '/oauth/revoke', basicAuth, JSON.stringify({ token: oauthRefresh }));
      await inject('GET', '/v1/whoami', bearer(oauthAccess));
      const userCredential = await inject('POST', '/v1/oauth/clients', bearer(owner), JSON.stringify({ userId: (await inject('GET', '/v1/members', bearer(owner))).json().items.find((m: any) => m.email === 'member@canary.test').userId }));
      const userSecret = secretOf(userCredential, (b) => b.clientSecret);
      const cc = await inject('POST', '/oauth/token', {}, JSON.stringify({ grant_type: 'client_credentials', client_id: userCredential.json().client.clientId, client_secret: userSecret }));
      const ccToken = secretOf(cc, (b) => b.access_token);

      const credentials = [owner, admin.secret, spare.secret, revoked.secret, disabled.secret, expiring.secret, rolled.secret, newRolled, patSecret, unknown, badChecksum, oauthAccess, oauthRefresh, clientSecret, ccToken];
      for (const key of credentials) {
        await inject('POST', '/v1/keys/verify', bearer(owner), JSON.stringify({ key, permissions: 'latchkey:keys:read', ip: '203.0.113.7' }));
      }
      await inject('POST', '/v1/keys/verify', bearer(owner), `{"key": "${admin.secret}", `);

      // Every route, with the credential in every place a client might put it.
      await h.app.ready();
      const routes = routesOf(h.app.swagger()).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
      const realIds: Record<string, string> = { key: spare.id, prj: project.json().id, usr: member.json().userId ?? member.json().id ?? '' };
      const seed = FC_SEED;
      t.diagnostic(`fast-check seed ${seed} (LATCHKEY_FC_SEED overrides)`);
      const [g] = fc.sample(fc.gen(), { numRuns: 1, seed });
      let n = 0;
      for (const route of routes) {
        let url = route.path;
        for (const param of route.pathParams) {
          const prefix = /\^\(?([a-z]+)/.exec(param.schema.pattern ?? '')?.[1] ?? '';
          url = url.replace(`{${param.name}}`, encodeURIComponent(realIds[prefix] ?? 'canary:unknown'));
        }
        const body = route.body ? plausibleValue(g!, route.body.schema) : undefined;
        const payload = body === undefined ? undefined : toJson(withCredentials(body, credentials[n % credentials.length]!));
        const placements: Array<[string, Record<string, string>]> = [
          [url, bearer(credentials[n++ % credentials.length]!)],
          [url, { 'x-api-key': credentials[n++ % credentials.length]! }],
          [url, { token: credentials[n++ % credentials.length]! }],
          [url, session],
          [url, { authorization: `Basic ${credentials[n++ % credentials.length]!}` }],
          [url, { authorization: `Bearer ${credentials[n++ % credentials.length]!} trailing` }],
          [`${url}?api_key=${credentials[n++ % credentials.length]!}`, {}],
          [`${url}?${credentials[n++ % credentials.length]!}`, bearer(owner)],
          [`${url}?limit=5&x=${credentials[n++ % credentials.length]!}`, bearer(owner)],
          [`${route.path.replace(/\{[^}]+\}/g, credentials[n++ % credentials.length]!)}`, bearer(owner)],
        ];
        for (const [target, headers] of placements) await inject(route.method, target, headers, payload);
      }

      // Every way a token can be spelled in a URL, in the path and as a query parameter's name (both are logged):
      // each spelling defeats one redaction alternative in logger-options.ts if that alternative were removed.
      const percentAll = (text: string) => [...Buffer.from(text)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const spellings = (token: string): string[] => {
        const [prefix, type, body] = token.split('_') as [string, string, string];
        return [
          `${prefix}%5F${type}%5F${body}`,
          `${prefix}%5f${type}%5f${body}`,
          `${prefix}%255F${type}%255F${body}`,
          `${prefix}%25255f${type}%25255f${body}`,
          percentAll(token),
          `${prefix.toUpperCase()}_${type.toUpperCase()}_${body}`,
          `Bearer%20${token}`,
          `%20${token}%0A`,
        ];
      };
      for (const [i, token] of [owner, spare.secret, patSecret, badChecksum].entries()) {
        for (const spelled of spellings(token)) {
          await inject('GET', `/v1/keys/${spelled}`, bearer(owner));
          await inject('GET', `/v1/keys?${spelled}=1`, bearer(owner));
          await inject('GET', `/v1/keys?limit=5&${spelled}`, bearer(owner));
          await inject('POST', `/v1/keys/${spelled}/revoke`, bearer(owner));
          await inject('GET', `/v1/projects/${i}${spelled}`, { [`x-${spelled.replace(/%/g, '')}`]: 'header name' });
        }
      }

      // Code that logs an object with a secret field by accident: each field the redaction list names is cut.
      const accidental = `canary-accidental-${generateToken(DEFAULT_TOKEN_FORMAT, 'live').slice(-20)}`;
      canaries.add(accidental);
      for (const field of ['secret', 'password', 'key', 'token', 'sessionToken', 'csrfToken']) h.app.log.info({ input: { [field]: accidental } }, `accidental ${field}`);
      h.app.log.info({ res: { headers: { 'set-cookie': accidental } } }, 'accidental set-cookie');

      // A 500 whose error message carries the secret, as a driver error echoing a bad value would.
      const original = h.latchkey.verify.verify.bind(h.latchkey.verify);
      h.latchkey.verify.verify = async (_principal, input) => {
        throw new Error(`storage exploded while looking up ${input.key}`);
      };
      const forced = await inject('POST', '/v1/keys/verify', bearer(owner), JSON.stringify({ key: admin.secret }));
      h.latchkey.verify.verify = original;
      assert.equal(forced.statusCode, 500);

      // The route walk may have ended the first session; a fresh one ends cleanly here.
      assert.equal((await inject('POST', '/v1/auth/sign-out', await signInAs('owner@canary.test', PASSWORD))).statusCode, 204);

      const completed = sink.lines.filter((l) => l.includes('request completed')).length;
      assert.ok(completed > routes.length * 10, `only ${completed} request lines logged`);
      assert.ok(sink.lines.some((l) => l.includes('"level":50') && l.includes('storage exploded while looking up [redacted]')), 'the forced 500 was not logged, or not scrubbed');
      // A token's random body is the secret, however its separators are spelled; lines are also read decoded.
      // A JWT's signature is what makes it a credential; its header and claims are not secret.
      const needles = [...canaries].flatMap((c) => (/^[a-z0-9]+_(live|test|pat|oauth|refresh|secret)_/.test(c) ? [c, c.slice(c.lastIndexOf('_') + 1)] : /^eyJ[^.]*\.[^.]+\.[^.]+$/.test(c) ? [c, c.slice(c.lastIndexOf('.') + 1)] : [c]));
      const leaks = sink.lines.flatMap((line) => {
        const decoded = percentDecodeFully(line);
        return needles.filter((c) => line.includes(c) || decoded.includes(c)).map((c) => `${c.slice(0, 12)}… in ${line.slice(0, 400)}`);
      });
      assert.deepEqual(leaks, []);
    });
  });
}

/** Puts a credential into every field that carries one, wherever the body has such a field. */
function withCredentials(body: unknown, credential: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of ['key', 'token', 'secret', 'client_secret', 'refresh_token', 'code']) if (field in out) out[field] = credential;
  if ('password' in out) out.password = MEMBER_PASSWORD;
  return out;
}
