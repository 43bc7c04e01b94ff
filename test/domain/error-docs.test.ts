import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/domain/error-codes.js';

describe('docs/errors.md', () => {
  it('documents every registered error code with its status, and no others', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const);
    const documented = new Map(rows);
    assert.equal(rows.length, documented.size, 'a code is documented twice');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.equal(documented.get(code), status, `${code} should be documented with status ${status}`);
    }
    assert.deepEqual([...documented.keys()].filter((c) => c !== undefined && !(c in ERROR_CODES)), []);
  });
});
