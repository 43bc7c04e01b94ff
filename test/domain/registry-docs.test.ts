import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AUDIT_ACTIONS } from '../../src/domain/audit-actions.js';
import { KEY_STATUSES } from '../../src/domain/key-statuses.js';
import { VERIFY_CODES } from '../../src/domain/verify-codes.js';

const apiDoc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

/** The first column of the one table in docs/api.md whose header starts with `| <header> |`. */
function documented(header: string): string[] {
  const tables = apiDoc.split(`\n| ${header} |`);
  assert.equal(tables.length, 2, `docs/api.md should have exactly one table headed "${header}"`);
  const rows: string[] = [];
  for (const line of tables[1]!.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cell = /^\| `([^`]+)` \| \S/.exec(line);
    assert.ok(cell, `a row of the "${header}" table should start with a code and describe it: ${line}`);
    rows.push(cell[1]!);
  }
  return rows;
}

for (const [header, registry, file] of [
  ['verify code', VERIFY_CODES, 'verify-codes.ts'],
  ['audit action', AUDIT_ACTIONS, 'audit-actions.ts'],
  ['key status', KEY_STATUSES, 'key-statuses.ts'],
] as const) {
  describe(`docs/api.md, table "${header}"`, () => {
    it(`documents every entry of src/domain/${file} once, and nothing else`, () => {
      const rows = documented(header);
      assert.equal(new Set(rows).size, rows.length, 'an entry is documented twice');
      assert.deepEqual(new Set(registry).size, registry.length, 'the registry lists an entry twice');
      assert.deepEqual(
        registry.filter((entry) => !rows.includes(entry)),
        [],
        'in the registry but not documented',
      );
      assert.deepEqual(
        rows.filter((row) => !(registry as readonly string[]).includes(row)),
        [],
        'documented but not in the registry',
      );
    });
  });
}
