import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './m001-initial.js';

/** Listed explicitly rather than read from disk, so the compiled build and the test runner see the same set. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { m001_initial: m001 };
  },
};
