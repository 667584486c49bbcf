// Contact verification (codes for profile emails and phones, one verified owner per address) and
// webhooks (endpoints and a durable delivery queue that survives restarts and serves many workers).
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function contactWebhooksSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('contact_verifications')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('address', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('code_hash', 'text')
        .addColumn('code_sent_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('consumed_at', 'text')
        .addColumn('send_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('send_window_started_at', 'text')
        .addColumn('verified_at', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('contact_verifications_pk', ['user_id', 'kind', 'address'])
        .execute();
      // "One address cannot be verified on two accounts", enforced by the database itself.
      await db.schema
        .createIndex('contact_verifications_verified_address')
        .on('contact_verifications')
        .columns(['kind', 'address'])
        .unique()
        .where(sql.ref('status'), '=', sql.lit('verified'))
        .execute();

      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('url', 'text', (col) => col.notNull())
        .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
        .addColumn('events', 'text', (col) => col.notNull())
        .addColumn('secret', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('failing_since', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_endpoints_owner')
        .on('webhook_endpoints')
        .column('owner_id')
        .execute();
      await db.schema
        .createIndex('webhook_endpoints_scope')
        .on('webhook_endpoints')
        .columns(['scope', 'status'])
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('endpoint_id', 'text', (col) =>
          col.notNull().references('webhook_endpoints.id').onDelete('cascade'),
        )
        .addColumn('event_type', 'text', (col) => col.notNull())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('give_up_at', 'text', (col) => col.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('last_attempt_at', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .execute();
      // The worker's claim: due rows by time, among pending and lapsed claims.
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      // The delivery log per endpoint, newest first.
      await db.schema
        .createIndex('webhook_deliveries_endpoint')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'created_at'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['webhook_deliveries', 'webhook_endpoints', 'contact_verifications']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
