// Accounts and security: verification state, TOTP, access+refresh session families, one-time codes
// and challenges, recovery codes, the audit log, personal access tokens and throttling counters.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SyncStore } from '../store.ts';

const userColumns = [
  'pending_email',
  'password_changed_at',
  'deletion_requested_at',
  'totp_secret',
  'totp_pending_secret',
] as const;

export function accountsSchema(dialect: SyncStore['dialect']): Migration {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const flag = dialect === 'postgres' ? 'boolean' : 'integer';
  const no = dialect === 'postgres' ? sql`false` : sql`0`;
  const yes = dialect === 'postgres' ? sql`true` : sql`1`;

  return {
    async up(db: Kysely<unknown>) {
      // SQLite adds one column per statement; both databases accept this form.
      await db.schema
        .alterTable('users')
        .addColumn('email_verified', flag, (col) => col.notNull().defaultTo(no))
        .execute();
      for (const column of userColumns) {
        await db.schema.alterTable('users').addColumn(column, 'text').execute();
      }
      await db.schema.alterTable('users').addColumn('totp_last_step', bigint).execute();
      // Accounts created before verification existed could already sign in: they stay usable.
      await sql`update users set email_verified = ${yes}`.execute(db);
      await db.schema
        .createIndex('users_deletion_due')
        .on('users')
        .columns(['status', 'deletion_due_at'])
        .execute();

      // The long-lived single-token sessions cannot become access+refresh families (their refresh
      // token never existed), so they end here and their devices sign in again.
      await db.schema.dropTable('sessions').execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device_name', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('last_seen_at', 'text', (col) => col.notNull())
        .addColumn('authenticated_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('session_tokens')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createIndex('session_tokens_session')
        .on('session_tokens')
        .column('session_id')
        .execute();
      await db.schema
        .createIndex('session_tokens_expiry')
        .on('session_tokens')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('verification_codes')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('target_email', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('consumed_at', 'text')
        .addColumn('send_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('send_window_started_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('verification_codes_pk', ['user_id', 'purpose'])
        .execute();

      await db.schema
        .createTable('auth_challenges')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('used_at', 'text')
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('auth_challenges_user').on('auth_challenges').column('user_id').execute();
      await db.schema
        .createIndex('auth_challenges_expiry')
        .on('auth_challenges')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

      // No foreign key: a deletion receipt outlives the account it describes.
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text')
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema
        .createIndex('audit_events_user_at')
        .on('audit_events')
        .columns(['user_id', 'at'])
        .execute();

      await db.schema
        .createTable('personal_access_tokens')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('scopes', 'text', (col) => col.notNull())
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('personal_access_tokens_user')
        .on('personal_access_tokens')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('throttles')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('hits', 'integer', (col) => col.notNull())
        .addColumn('window_started_at', 'text', (col) => col.notNull())
        .addColumn('locked_until', 'text')
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of [
        'throttles',
        'personal_access_tokens',
        'audit_events',
        'recovery_codes',
        'auth_challenges',
        'verification_codes',
        'session_tokens',
        'sessions',
      ]) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
      await db.schema.dropIndex('users_deletion_due').execute();
      for (const column of ['totp_last_step', ...userColumns, 'email_verified']) {
        await db.schema.alterTable('users').dropColumn(column).execute();
      }
    },
  };
}
