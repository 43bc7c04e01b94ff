import assert from 'node:assert/strict';
import type { ApiKey } from '../../src/domain/api-key.js';
import { newId } from '../../src/domain/ids.js';
import { NO_LIMITS, type Principal } from '../../src/domain/principal.js';
import { displayStart, generateToken } from '../../src/domain/token-format.js';
import { NO_REQUEST } from '../../src/services/request-meta.js';
import type { TestApp } from './test-app.js';

/** A key as the API returns it; tests read fields loosely and assert the ones they care about. */
export type KeyJson = Record<string, any> & { id: string; name: string; status: string };

/** API permissions the tests grant, declared for the organization the way POST /v1/permissions would. */
const API_PERMISSIONS = [
  'tests:read', 'tests:write', 'tests:admin',
  'reports:read', 'reports:write',
  'reports:daily:read', 'reports:daily:write',
  'billing:read', 'billing:write', 'billing:admin',
  'deploy',
];

export async function declarePermissions(h: TestApp, names: readonly string[] = API_PERMISSIONS, orgId = h.orgId): Promise<void> {
  for (const name of names) {
    await h.storage.repos.permissions.insert({ orgId, name, description: name, createdAt: h.clock.now() });
  }
}

export async function addProject(h: TestApp, name: string, orgId = h.orgId): Promise<string> {
  const id = newId('prj');
  await h.storage.repos.projects.insert({ id, orgId, name, description: '', createdAt: h.clock.now(), updatedAt: h.clock.now() });
  return id;
}

/** POST /v1/keys, asserting 201; returns the key with its secret. */
export async function createKey(h: TestApp, body: Record<string, unknown>, secret = h.ownerKey): Promise<KeyJson & { secret: string }> {
  const response = await h.call('POST', '/v1/keys', secret, { permissions: ['latchkey:keys:read'], ...body });
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

/** POST /v1/keys/verify as `caller`, asserting 200. */
export async function verify(h: TestApp, body: Record<string, unknown>, caller = h.ownerKey): Promise<Record<string, any>> {
  const response = await h.call('POST', '/v1/keys/verify', caller, body);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** A second organization with its own owner and an owner key holding `*`. */
export async function addOrganization(h: TestApp, name: string): Promise<{ orgId: string; ownerKey: string }> {
  const orgId = newId('org');
  await h.storage.repos.organizations.insert({ id: orgId, name, createdAt: h.clock.now() });
  const userId = newId('usr');
  await h.storage.repos.users.insert({ id: userId, email: `${userId.toLowerCase()}@example.test`, name: 'owner', passwordHash: 'x', createdAt: h.clock.now() });
  await h.storage.repos.memberships.insert({ orgId, userId, role: 'owner', createdAt: h.clock.now() });
  const owner: Principal = { kind: 'session', orgId, userId, keyId: null, role: 'owner', keyPermissions: null, projectIds: null, expiresAt: null, limits: NO_LIMITS };
  const { secret } = await h.latchkey.keys.create(owner, { name: `${name} owner key`, permissions: ['*'] }, NO_REQUEST);
  return { orgId, ownerKey: secret };
}

export async function storedKey(h: TestApp, id: string, orgId = h.orgId) {
  return h.storage.repos.keys.findById(orgId, id);
}

export function errorCode(response: { json(): any }): string {
  return response.json().error.code;
}

/**
 * Many keys at once, straight through the repository in one transaction, for tests about volume where creating
 * each through the API would only add time. Returns ids and secrets in creation order.
 */
export async function insertKeys(h: TestApp, count: number, overrides: Partial<ApiKey> = {}): Promise<Array<{ id: string; secret: string }>> {
  const made: Array<{ id: string; secret: string }> = [];
  await h.storage.transaction(async (tx) => {
    while (made.length < count) {
      const secret = generateToken(h.config.tokenFormat, 'live');
      const now = h.clock.now();
      const id = newId('key');
      const key: ApiKey = {
        id, orgId: h.orgId, kind: 'org_key', tokenType: 'live', name: `bulk ${id.slice(4)}`, description: '',
        start: displayStart(secret), permissions: ['latchkey:keys:read'], projectIds: null, ownerUserId: null,
        createdBy: { type: 'user', id: h.ownerUserId }, createdAt: now, updatedAt: now, expiresAt: null, enabled: true,
        revokedAt: null, lastUsedAt: null, metadata: null, rateLimit: null, credits: null, ipRanges: null, ...overrides,
      };
      await tx.keys.insert(key, h.latchkey.ctx.digest(secret));
      made.push({ id: key.id, secret });
    }
  });
  return made;
}
