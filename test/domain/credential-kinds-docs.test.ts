import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS } from '../../src/domain/credential-kinds.js';

describe('docs/permissions.md: Credential kinds', () => {
  it('has one row per registered kind, with its audit noun, permissions and token type, and no others', () => {
    const text = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
    const section = text.slice(text.indexOf('## Credential kinds'));
    const table = section.slice(0, section.indexOf('\n## '));
    const rows = [...table.matchAll(/^\| `([a-z_]+)` \| [^|]+ \| `([a-z]+)` \| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| ([^|]+) \|/gm)];
    const documented = new Map(rows.map((m) => [m[1]!, { noun: m[2], read: m[3], write: m[4], admin: m[5], tokenTypes: [...m[6]!.matchAll(/`([a-z]+)`/g)].map((t) => t[1]) }]));
    assert.equal(rows.length, documented.size, 'a kind is documented twice');
    assert.deepEqual([...documented.keys()].sort(), [...CREDENTIAL_KIND_NAMES].sort(), 'the table lists exactly the registered kinds');
    for (const kind of CREDENTIAL_KIND_NAMES) {
      const policy = CREDENTIAL_KINDS[kind];
      assert.equal(policy.kind, kind, 'a policy is registered under its own name');
      const environments = [undefined, 'live', 'test'] as const;
      const grants = [[], ['projects:read'], ['*']];
      const types = [...new Set(environments.flatMap((environment) => grants.map((grant) => policy.tokenType(environment, grant))))].sort();
      assert.deepEqual(documented.get(kind), { noun: policy.noun, ...policy.permissions, tokenTypes: types }, `the row for ${kind}`);
    }
  });
});
