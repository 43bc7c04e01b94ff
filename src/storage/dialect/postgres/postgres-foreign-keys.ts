import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../dialect-adapter.js';

/** PostgreSQL's side of MigrationContext's foreign-key members: constraints found by catalog, not by guessed name. */
export const postgresForeignKeys: Pick<MigrationContext, 'dropForeignKeys' | 'addForeignKey'> = {
  async dropForeignKeys(db: Kysely<any>, table: string): Promise<void> {
    const { rows } = await sql<{ conname: string }>`
      select conname from pg_constraint where conrelid = to_regclass(${table}) and contype = 'f'
    `.execute(db);
    for (const { conname } of rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(conname)}`.execute(db);
  },
  async addForeignKey(db: Kysely<any>, table: string, column: string, references: string): Promise<void> {
    const [target, targetColumn] = references.split('.') as [string, string];
    await sql`
      alter table ${sql.table(table)} add foreign key (${sql.id(column)}) references ${sql.table(target)} (${sql.id(targetColumn)}) on delete cascade
    `.execute(db);
  },
};
