// The webhook outbox: a document write that an active endpoint may hear about is recorded in the
// write's own transaction, so a crash just after the commit cannot lose its event. The fan-out turns
// each entry into queued deliveries (with ids derived from the entry, so doing it twice queues once)
// and then removes it.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SyncStore } from '../store.ts';

export function writeJournalSchema(dialect: SyncStore['dialect']): Migration {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('write_journal')
        // The sequence number of the write: unique, and in commit order.
        .addColumn('seq', bigint, (col) => col.primaryKey())
        .addColumn('collection', 'text', (col) => col.notNull())
        .addColumn('doc_id', 'text', (col) => col.notNull())
        /** JSON of the stored document before the write; null for a new document. */
        .addColumn('before', 'text')
        /** JSON of what was written: data, deleted, ownerId. */
        .addColumn('after', 'text', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('write_journal').execute();
    },
  };
}
