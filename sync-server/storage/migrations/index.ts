// The ordered list of schema migrations, handed to Kysely's Migrator as a static provider.
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { SyncStore } from '../store.ts';
import { initialSchema } from './0001-initial.ts';
import { accountsSchema } from './0002-accounts.ts';
import { adminSchema } from './0003-admin.ts';
import { contactWebhooksSchema } from './0004-contact-webhooks.ts';
import { writeJournalSchema } from './0005-write-journal.ts';

/** Names sort in the order they must run; never rename or reorder one that has shipped. */
export function migrationsFor(dialect: SyncStore['dialect']): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialSchema(dialect),
    '0002-accounts': accountsSchema(dialect),
    '0003-admin': adminSchema(dialect),
    '0004-contact-webhooks': contactWebhooksSchema(),
    '0005-write-journal': writeJournalSchema(dialect),
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}
