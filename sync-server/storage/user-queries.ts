// Queries on the users table: accounts, their secrets, TOTP replay state and the purge of an account.
import type { Kysely, Updateable } from 'kysely';
import { accountFields } from '#shared/entities/account';
import type { Role } from '#shared/policy/field';
import type { AuditEventRecord, UserChange, UserSecrets } from './account-records.ts';
import { insertAuditEvent } from './audit-queries.ts';
import { toSeq, toStoredTimestamp, toUserRecord } from './rows.ts';
import type { Database, UsersTable } from './schema.ts';
import type { UserRecord } from './store.ts';

/** How booleans are bound on this database. */
export type Flag = (value: boolean) => boolean | number;

export async function insertUser(
  db: Kysely<Database>,
  flag: Flag,
  user: {
    id: string;
    email: string;
    passwordHash: string;
    role: Role;
    createdAt: string;
    emailVerified?: boolean;
  },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email.toLowerCase(),
      password_hash: user.passwordHash,
      role: user.role,
      status: accountFields.status.initial,
      created_at: toStoredTimestamp(user.createdAt),
      deletion_due_at: null,
      email_verified: flag(user.emailVerified ?? false),
      pending_email: null,
      password_changed_at: null,
      deletion_requested_at: null,
      totp_secret: null,
      totp_pending_secret: null,
      totp_last_step: null,
    })
    .execute();
}

export async function selectUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<(UserRecord & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row && { ...toUserRecord(row), passwordHash: row.password_hash };
}

export async function selectUser(db: Kysely<Database>, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUserRecord(row);
}

export async function selectUserSecrets(db: Kysely<Database>, id: string): Promise<UserSecrets | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['password_hash', 'totp_secret', 'totp_pending_secret', 'totp_last_step'])
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      passwordHash: row.password_hash,
      totpSecret: row.totp_secret,
      totpPendingSecret: row.totp_pending_secret,
      totpLastStep: row.totp_last_step === null ? null : toSeq(row.totp_last_step),
    }
  );
}

function timestampOrNull(value: string | null): string | null {
  return value === null ? null : toStoredTimestamp(value);
}

/** The columns a change writes; keys that are absent from the change stay untouched. */
function userColumns(change: UserChange, flag: Flag): Updateable<UsersTable> {
  const columns: Updateable<UsersTable> = {};
  if (change.email !== undefined) columns.email = change.email.toLowerCase();
  if (change.emailVerified !== undefined) columns.email_verified = flag(change.emailVerified);
  if (change.pendingEmail !== undefined) columns.pending_email = change.pendingEmail?.toLowerCase() ?? null;
  if (change.status !== undefined) columns.status = change.status;
  if (change.deletionDueAt !== undefined) columns.deletion_due_at = timestampOrNull(change.deletionDueAt);
  if (change.deletionRequestedAt !== undefined) {
    columns.deletion_requested_at = timestampOrNull(change.deletionRequestedAt);
  }
  if (change.passwordHash !== undefined) columns.password_hash = change.passwordHash;
  if (change.passwordChangedAt !== undefined) {
    columns.password_changed_at = toStoredTimestamp(change.passwordChangedAt);
  }
  if (change.totpSecret !== undefined) columns.totp_secret = change.totpSecret;
  if (change.totpPendingSecret !== undefined) columns.totp_pending_secret = change.totpPendingSecret;
  if (change.totpLastStep !== undefined) columns.totp_last_step = change.totpLastStep;
  return columns;
}

export async function applyUserChange(
  db: Kysely<Database>,
  flag: Flag,
  id: string,
  change: UserChange,
): Promise<boolean> {
  const columns = userColumns(change, flag);
  if (Object.keys(columns).length === 0) {
    return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }
  const result = await db.updateTable('users').set(columns).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A conditional update: two requests carrying the same code cannot both pass. */
export async function markTotpStep(db: Kysely<Database>, id: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function selectUsersDueForPurge(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('status', '=', 'pending-deletion')
    .where('deletion_due_at', '<=', toStoredTimestamp(now))
    .orderBy('deletion_due_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Runs inside a transaction: deleting the row cascades to sessions, codes, challenges and tokens. */
export async function erasePurgedUser(
  trx: Kysely<Database>,
  id: string,
  receipt: AuditEventRecord,
  throttleKeys: readonly string[],
): Promise<boolean> {
  const deleted = await trx
    .deleteFrom('users')
    .where('id', '=', id)
    .where('status', '=', 'pending-deletion')
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) return false;
  await trx.deleteFrom('audit_events').where('user_id', '=', id).execute();
  if (throttleKeys.length > 0) await trx.deleteFrom('throttles').where('key', 'in', throttleKeys).execute();
  await insertAuditEvent(trx, receipt);
  return true;
}
