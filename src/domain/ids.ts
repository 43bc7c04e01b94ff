import { randomBase62 } from './base62.js';

export type IdKind = 'org' | 'usr' | 'prj' | 'key' | 'evt' | 'ses' | 'inv';

/** Ids are generated in the application, identically for every database; the prefix tells a reader what it names. */
export function newId(kind: IdKind): string {
  return `${kind}_${randomBase62(20)}`;
}
