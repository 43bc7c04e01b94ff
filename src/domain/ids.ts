import { randomBase62 } from './base62.js';

export const ID_KINDS = ['org', 'usr', 'prj', 'key', 'evt', 'ses', 'inv', 'oap', 'ogr', 'ort'] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** Ids are generated in the application, identically for every database; the prefix tells a reader what it names. */
export function newId(kind: IdKind): string {
  return `${kind}_${randomBase62(20)}`;
}
