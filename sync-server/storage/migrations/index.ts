// The ordered list of schema migrations, handed to Kysely's Migrator as a static provider.
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { SyncStore } from '../store.ts';
import { initialSchema } from './0001-initial.ts';

/** Names sort in the order they must run; never rename or reorder one that has shipped. */
export function migrationsFor(dialect: SyncStore['dialect']): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialSchema(dialect),
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}
