import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const src = new URL('../../src/', import.meta.url).pathname;

function sources(folder: string): string[] {
  return readdirSync(join(src, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/**
 * Files that still read storage rows rather than domain types; each is a known gap, listed so that the list can
 * only shrink: a new file importing the row schema fails this test.
 */
const NOT_YET_CONVERTED = new Set(['services/invitation-service.ts', 'services/session-service.ts']);

describe('layering: services and domain rules see domain types, never rows or SQL', () => {
  it('no file in src/services or src/domain imports src/storage/schema or kysely', () => {
    const offenders = [...sources('services'), ...sources('domain')].flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec === 'kysely' || spec.startsWith('kysely/') || /(^|\/)storage\/schema(\.js)?$/.test(spec))
        .filter(() => !NOT_YET_CONVERTED.has(file))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
    for (const file of NOT_YET_CONVERTED) {
      assert.ok(importsOf(file).some((spec) => spec.endsWith('storage/schema.js')), `${file} no longer imports the schema: take it off the list`);
    }
  });

  it('no file in src/services or src/domain reaches a standing set of repositories (storage.repos)', () => {
    const offenders = [...sources('services'), ...sources('domain')].filter((file) => /\bstorage\.repos\b/.test(readFileSync(join(src, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('nothing in src/domain imports from services, storage, server or a driver', () => {
    const offenders = sources('domain').flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('./') || spec.includes('/services/') || spec.includes('/storage/') || spec.includes('/server/'))
        .filter((spec) => !spec.startsWith('node:'))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });
});
