import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CREDENTIAL_KINDS, type CredentialKind } from '../../src/domain/credential-kinds.js';
import { isReadPermission } from '../../src/domain/token-type-for.js';

const tokenTypeFor = (kind: CredentialKind, environment: 'live' | 'test' | undefined, permissions: string[]) => CREDENTIAL_KINDS[kind].tokenType(environment, permissions);

describe('token type for a new secret', () => {
  it('a read permission ends in read or starts with read', () => {
    for (const name of ['read', 'projects:read', 'latchkey:keys:read', 'read:projects', 'read:*', 'reports:tests:read']) assert.ok(isReadPermission(name), name);
    for (const name of ['*', 'projects:*', 'write', 'projects:write', 'admin', 'write:projects', 'projects:reader', 'readers:x', '@api:read', 'releases:readme']) assert.ok(!isReadPermission(name), name);
  });

  it('a live organization key holding only read permissions is ro (seed 001 qx_ro_)', () => {
    assert.equal(tokenTypeFor('org_key', undefined, ['projects:read', 'read:workflows']), 'ro');
    assert.equal(tokenTypeFor('org_key', 'live', ['read']), 'ro');
    assert.equal(tokenTypeFor('org_key', 'live', ['projects:read', 'projects:write']), 'live');
    assert.equal(tokenTypeFor('org_key', undefined, ['*']), 'live');
  });

  it('a key with no permissions is live, a test key stays test, a personal token is pat', () => {
    assert.equal(tokenTypeFor('org_key', undefined, []), 'live');
    assert.equal(tokenTypeFor('org_key', 'test', ['projects:read']), 'test');
    assert.equal(tokenTypeFor('org_key', 'test', ['*']), 'test');
    assert.equal(tokenTypeFor('personal_token', undefined, ['projects:read']), 'pat');
    assert.equal(tokenTypeFor('personal_token', 'live', ['*']), 'pat');
  });
});
