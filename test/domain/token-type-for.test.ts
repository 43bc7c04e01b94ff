import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isReadPermission, tokenTypeFor } from '../../src/domain/token-type-for.js';

describe('token type for a new secret', () => {
  it('a read permission ends in read or starts with read', () => {
    for (const name of ['read', 'projects:read', 'latchkey:keys:read', 'read:projects', 'read:*', 'reports:tests:read']) assert.ok(isReadPermission(name), name);
    for (const name of ['*', 'projects:*', 'write', 'projects:write', 'admin', 'write:projects', 'projects:reader', 'readers:x', '@api:read', 'releases:readme']) assert.ok(!isReadPermission(name), name);
  });

  it('a live organization key holding only read permissions is ro (seed 001 qx_ro_)', () => {
    assert.equal(tokenTypeFor('org', undefined, ['projects:read', 'read:workflows']), 'ro');
    assert.equal(tokenTypeFor('org', 'live', ['read']), 'ro');
    assert.equal(tokenTypeFor('org', 'live', ['projects:read', 'projects:write']), 'live');
    assert.equal(tokenTypeFor('org', undefined, ['*']), 'live');
  });

  it('a key with no permissions is live, a test key stays test, a personal token is pat', () => {
    assert.equal(tokenTypeFor('org', undefined, []), 'live');
    assert.equal(tokenTypeFor('org', 'test', ['projects:read']), 'test');
    assert.equal(tokenTypeFor('org', 'test', ['*']), 'test');
    assert.equal(tokenTypeFor('personal', undefined, ['projects:read']), 'pat');
    assert.equal(tokenTypeFor('personal', 'live', ['*']), 'pat');
  });
});
