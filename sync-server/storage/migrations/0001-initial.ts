// The first schema: accounts, sessions, synced documents, the directory feed and the change counter.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SyncStore } from '../store.ts';

export function initialSchema(dialect: SyncStore['dialect']): Migration {
  // SQLite's integer is already 64-bit and it has no boolean; PostgreSQL needs both spelled out.
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const flag = dialect === 'postgres' ? 'boolean' : 'integer';

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', 'text', (col) => col.notNull().unique())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('deletion_due_at', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .execute();
      // Foreign keys are not indexed implicitly; cascading a user delete would scan every session.
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      // No foreign key to users: tombstones must outlive a purged account so devices wipe their copies.
      await db.schema
        .createTable('documents')
        .addColumn('collection', 'text', (col) => col.notNull())
        .addColumn('id', 'text', (col) => col.notNull())
        .addColumn('owner_id', 'text', (col) => col.notNull())
        .addColumn('seq', bigint, (col) => col.notNull())
        .addColumn('deleted', flag, (col) => col.notNull())
        .addColumn('data', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('documents_pk', ['collection', 'id'])
        .execute();
      await db.schema
        .createIndex('documents_owner_changes')
        .on('documents')
        .columns(['collection', 'owner_id', 'seq', 'id'])
        .execute();
      // Lets a PostgreSQL listener that lost its connection find what it missed without a full scan.
      await db.schema.createIndex('documents_seq').on('documents').column('seq').execute();

      await db.schema
        .createTable('directory_feed')
        .addColumn('owner_id', 'text', (col) => col.primaryKey())
        .addColumn('seq', bigint, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('directory_feed_seq').on('directory_feed').column('seq').execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('value', bigint, (col) => col.notNull())
        .execute();
      await sql`insert into counters (name, value) values ('changes', 0)`.execute(db);
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['counters', 'directory_feed', 'documents', 'sessions', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
