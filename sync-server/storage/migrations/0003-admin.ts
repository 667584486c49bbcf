// Admin console and data portability: export jobs (progress of bulk exports, readable from any
// server process) and the indexes the user list, the exports and the admin audit log read by.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SyncStore } from '../store.ts';

export function adminSchema(dialect: SyncStore['dialect']): Migration {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('export_jobs')
        .addColumn('id', 'text', (col) => col.primaryKey())
        // No foreign key: the record of an export outlives the administrator who ran it.
        .addColumn('actor_id', 'text')
        .addColumn('via', 'text', (col) => col.notNull())
        .addColumn('format', 'text', (col) => col.notNull())
        /** JSON of the user filter. */
        .addColumn('filter', 'text', (col) => col.notNull())
        .addColumn('after_id', 'text')
        .addColumn('row_limit', bigint)
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('total', bigint, (col) => col.notNull())
        .addColumn('done', bigint, (col) => col.notNull().defaultTo(0))
        .addColumn('last_user_id', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('export_jobs_created')
        .on('export_jobs')
        .columns(['created_at', 'id'])
        .execute();

      // The user list pages newest first by (created_at, id).
      await db.schema.createIndex('users_created').on('users').columns(['created_at', 'id']).execute();
      // The admin audit log: by type, by actor, newest first.
      await db.schema
        .createIndex('audit_events_type_at')
        .on('audit_events')
        .columns(['type', 'at', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_events_actor_at')
        .on('audit_events')
        .columns(['actor_id', 'at'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('audit_events_actor_at').execute();
      await db.schema.dropIndex('audit_events_type_at').execute();
      await db.schema.dropIndex('users_created').execute();
      await db.schema.dropTable('export_jobs').execute();
    },
  };
}
