// Queries of the admin console and of exports: the filtered user list (newest first) and export
// pages (id order), both keyset-paginated; bulk account inserts; role changes that keep an active
// administrator; export jobs; the admin audit log.
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { z } from 'zod';
import { UserFilter } from '#shared/contract/admin';
import { AccountStatus } from '#shared/entities/account';
import { AccordError } from '#shared/errors';
import { Role } from '#shared/policy/field';
import type { AuditEventRecord } from './account-records.ts';
import type {
  AdminUserFilter,
  AdminUserRecord,
  AuditCursor,
  AuditFilter,
  ExportJobOutcome,
  ExportJobRecord,
  ExportUserRecord,
  NewAccountRecord,
  UserListCursor,
} from './admin-records.ts';
import { toSeq, toStoredDoc, toStoredTimestamp } from './rows.ts';
import type { Database } from './schema.ts';
import type { SyncStore, UserRecord } from './store.ts';

/** The export_jobs table of migration 0003. */
export interface ExportJobsTable {
  id: string;
  actor_id: string | null;
  via: string;
  format: string;
  filter: string;
  after_id: string | null;
  row_limit: number | string | null;
  reason: string;
  status: string;
  total: number | string;
  done: number | string;
  last_user_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string;
  error: string | null;
}

export type AdminDatabase = Database & { export_jobs: ExportJobsTable };
type Dialect = SyncStore['dialect'];
type Flag = (value: boolean) => boolean | number;

/** The display name inside the profile document's JSON text. */
function displayNameOf(dialect: Dialect): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql<string | null>`(p.data::jsonb ->> 'displayName')`
    : sql<string | null>`json_extract(p.data, '$.displayName')`;
}

/** LIKE pattern for "contains", with the pattern characters of the search text escaped. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The filter as one SQL condition on `u` (users) and `p` (the left-joined profile document). */
function filterCondition(filter: AdminUserFilter, dialect: Dialect): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (filter.status !== undefined) parts.push(sql`u.status = ${filter.status}`);
  if (filter.role !== undefined) parts.push(sql`u.role = ${filter.role}`);
  if (filter.q !== undefined && filter.q.length > 0) {
    const pattern = containsPattern(filter.q);
    parts.push(
      sql`(lower(u.email) like ${pattern} escape '\\' or lower(coalesce(${displayNameOf(dialect)}, '')) like ${pattern} escape '\\')`,
    );
  }
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

interface UserColumns {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly status: string;
  readonly created_at: string;
  readonly email_verified: boolean | number;
  readonly pending_email: string | null;
  readonly deletion_due_at: string | null;
  readonly two_factor: boolean | number | string;
}

/** The users row without its secrets: two-factor is read as "has a secret", never the secret. */
function userSelection(db: Kysely<AdminDatabase>) {
  return db
    .selectFrom('users as u')
    .leftJoin('documents as p', (join) => join.onRef('p.id', '=', 'u.id').on('p.collection', '=', 'profiles'))
    .select([
      'u.id',
      'u.email',
      'u.role',
      'u.status',
      'u.created_at',
      'u.email_verified',
      'u.pending_email',
      'u.deletion_due_at',
      sql<boolean | number>`(u.totp_secret is not null)`.as('two_factor'),
    ]);
}

function toUser(row: UserColumns): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: Role.parse(row.role),
    status: AccountStatus.parse(row.status),
    createdAt: row.created_at,
    emailVerified: Boolean(row.email_verified),
    pendingEmail: row.pending_email,
    twoFactorEnabled: row.two_factor === true || row.two_factor === 1 || row.two_factor === '1',
    deletionDueAt: row.deletion_due_at,
  };
}

export async function selectUserPage(
  db: Kysely<AdminDatabase>,
  dialect: Dialect,
  filter: AdminUserFilter,
  cursor: UserListCursor | undefined,
  limit: number,
): Promise<AdminUserRecord[]> {
  let query = userSelection(db)
    .select(displayNameOf(dialect).as('display_name'))
    .where(filterCondition(filter, dialect));
  if (cursor !== undefined) {
    const createdAt = toStoredTimestamp(cursor.createdAt);
    query = query.where((eb) =>
      eb.or([
        eb('u.created_at', '<', createdAt),
        eb.and([eb('u.created_at', '=', createdAt), eb('u.id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('u.created_at', 'desc').orderBy('u.id', 'desc').limit(limit).execute();
  return rows.map((row) => ({ ...toUser(row), displayName: row.display_name ?? '' }));
}

export async function countMatchingUsers(
  db: Kysely<AdminDatabase>,
  dialect: Dialect,
  filter: AdminUserFilter,
  afterId: string | undefined,
): Promise<number> {
  let query = db
    .selectFrom('users as u')
    .leftJoin('documents as p', (join) => join.onRef('p.id', '=', 'u.id').on('p.collection', '=', 'profiles'))
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where(filterCondition(filter, dialect));
  if (afterId !== undefined) query = query.where('u.id', '>', afterId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function selectExportPage(
  db: Kysely<AdminDatabase>,
  dialect: Dialect,
  filter: AdminUserFilter,
  afterId: string | undefined,
  limit: number,
): Promise<ExportUserRecord[]> {
  let query = userSelection(db)
    .leftJoin('documents as s', (join) => join.onRef('s.id', '=', 'u.id').on('s.collection', '=', 'settings'))
    .leftJoin('documents as a', (join) => join.onRef('a.id', '=', 'u.id').on('a.collection', '=', 'accounts'))
    .select([
      'a.owner_id as a_owner_id',
      'a.seq as a_seq',
      'a.deleted as a_deleted',
      'a.data as a_data',
      'p.owner_id as p_owner_id',
      'p.seq as p_seq',
      'p.deleted as p_deleted',
      'p.data as p_data',
      's.owner_id as s_owner_id',
      's.seq as s_seq',
      's.deleted as s_deleted',
      's.data as s_data',
    ])
    .where(filterCondition(filter, dialect));
  if (afterId !== undefined) query = query.where('u.id', '>', afterId);
  const rows = await query.orderBy('u.id').limit(limit).execute();
  return rows.map((row) => ({
    user: toUser(row),
    account: liveDoc('accounts', row.id, row.a_owner_id, row.a_seq, row.a_deleted, row.a_data),
    profile: liveDoc('profiles', row.id, row.p_owner_id, row.p_seq, row.p_deleted, row.p_data),
    settings: liveDoc('settings', row.id, row.s_owner_id, row.s_seq, row.s_deleted, row.s_data),
  }));
}

/** A left-joined document's data, parsed and checked; undefined when absent or a tombstone. */
function liveDoc(
  collection: 'profiles' | 'settings' | 'accounts',
  id: string,
  ownerId: string | null,
  seq: string | number | null,
  deleted: boolean | number | null,
  data: string | null,
) {
  if (ownerId === null || seq === null || deleted === null || data === null || Boolean(deleted))
    return undefined;
  return toStoredDoc({ collection, id, owner_id: ownerId, seq, deleted, data }).data;
}

/** SQLite binds at most 32,766 values per statement; rows of 14 values in chunks of 500 stay far below. */
const INSERT_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function insertUserRows(
  trx: Kysely<AdminDatabase>,
  flag: Flag,
  accounts: readonly NewAccountRecord[],
): Promise<void> {
  for (const chunk of chunks(accounts, INSERT_CHUNK)) {
    await trx
      .insertInto('users')
      .values(
        chunk.map(({ user }) => ({
          id: user.id,
          email: user.email.toLowerCase(),
          password_hash: user.passwordHash,
          role: user.role,
          status: 'active',
          created_at: toStoredTimestamp(user.createdAt),
          deletion_due_at: null,
          email_verified: flag(user.emailVerified),
          pending_email: null,
          password_changed_at: null,
          deletion_requested_at: null,
          totp_secret: null,
          totp_pending_secret: null,
          totp_last_step: null,
        })),
      )
      .execute();
  }
}

/** Reserves `count` consecutive change sequences; returns the first. */
export async function reserveSeqs(trx: Kysely<AdminDatabase>, count: number): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql<number>`value + ${count}` })
    .where('name', '=', 'changes')
    .returning('value')
    .executeTakeFirstOrThrow();
  return toSeq(row.value) - count + 1;
}

export interface NewDocumentRow {
  readonly collection: 'profiles' | 'settings' | 'accounts';
  readonly id: string;
  readonly seq: number;
  readonly data: string;
}

export async function insertDocumentRows(
  trx: Kysely<AdminDatabase>,
  flag: Flag,
  documents: readonly NewDocumentRow[],
): Promise<void> {
  for (const chunk of chunks(documents, INSERT_CHUNK)) {
    await trx
      .insertInto('documents')
      .values(
        chunk.map((doc) => ({
          collection: doc.collection,
          id: doc.id,
          owner_id: doc.id,
          seq: doc.seq,
          deleted: flag(false),
          data: doc.data,
        })),
      )
      .execute();
  }
}

export async function upsertDirectoryRows(
  trx: Kysely<AdminDatabase>,
  entries: readonly { ownerId: string; seq: number }[],
): Promise<void> {
  for (const chunk of chunks(entries, INSERT_CHUNK)) {
    await trx
      .insertInto('directory_feed')
      .values(chunk.map((entry) => ({ owner_id: entry.ownerId, seq: entry.seq })))
      .onConflict((conflict) =>
        conflict.column('owner_id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') })),
      )
      .execute();
  }
}

export async function insertAuditRows(
  trx: Kysely<AdminDatabase>,
  events: readonly AuditEventRecord[],
): Promise<void> {
  for (const chunk of chunks(events, INSERT_CHUNK)) {
    await trx
      .insertInto('audit_events')
      .values(
        chunk.map((event) => ({
          id: event.id,
          user_id: event.userId,
          type: event.type,
          at: toStoredTimestamp(event.at),
          actor_id: event.actorId,
          ip: event.ip,
          user_agent: event.userAgent,
          detail: event.detail,
        })),
      )
      .execute();
  }
}

/**
 * Runs inside the role-change transaction. On PostgreSQL the administrators' rows are locked
 * first, so two demotions at once cannot each count the other as the remaining administrator.
 */
export async function updateRoleKeepingAnAdmin(
  trx: Kysely<AdminDatabase>,
  dialect: Dialect,
  userId: string,
  role: 'user' | 'admin',
): Promise<void> {
  await trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .$if(dialect === 'postgres', (query) => query.forUpdate())
    .execute();
  const target = await trx
    .selectFrom('users')
    .select(['role', 'status'])
    .where('id', '=', userId)
    .$if(dialect === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst();
  if (target === undefined) throw new AccordError('not_found', 'No such user.');
  if (target.role === 'admin' && role !== 'admin') {
    const others = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .where('id', '!=', userId)
      .executeTakeFirstOrThrow();
    if (Number(others.count) === 0) {
      throw new AccordError(
        'conflict',
        'This is the last active administrator; make someone else an administrator first.',
        'role',
      );
    }
  }
  await trx.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

// Export jobs.

const StoredFilter = UserFilter;
const formats = z.enum(['ndjson', 'csv', 'json']);
const statuses = z.enum(['ready', 'running', 'completed', 'failed', 'aborted']);

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function toExportJob(row: Selectable<ExportJobsTable>): ExportJobRecord {
  return {
    id: row.id,
    actorId: row.actor_id,
    via: z.enum(['api', 'cli']).parse(row.via),
    format: formats.parse(row.format),
    filter: StoredFilter.parse(JSON.parse(row.filter)),
    afterId: row.after_id,
    limit: nullableNumber(row.row_limit),
    reason: row.reason,
    status: statuses.parse(row.status),
    total: Number(row.total),
    done: Number(row.done),
    lastUserId: row.last_user_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
    error: row.error,
  };
}

export async function insertExportJob(db: Kysely<AdminDatabase>, job: ExportJobRecord): Promise<void> {
  await db
    .insertInto('export_jobs')
    .values({
      id: job.id,
      actor_id: job.actorId,
      via: job.via,
      format: job.format,
      filter: JSON.stringify(job.filter),
      after_id: job.afterId,
      row_limit: job.limit,
      reason: job.reason,
      status: job.status,
      total: job.total,
      done: job.done,
      last_user_id: job.lastUserId,
      created_at: toStoredTimestamp(job.createdAt),
      started_at: job.startedAt === null ? null : toStoredTimestamp(job.startedAt),
      finished_at: job.finishedAt === null ? null : toStoredTimestamp(job.finishedAt),
      expires_at: toStoredTimestamp(job.expiresAt),
      error: job.error,
    })
    .execute();
}

export async function selectExportJob(
  db: Kysely<AdminDatabase>,
  id: string,
): Promise<ExportJobRecord | undefined> {
  const row = await db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toExportJob(row);
}

export async function selectExportJobs(db: Kysely<AdminDatabase>, limit: number): Promise<ExportJobRecord[]> {
  const rows = await db
    .selectFrom('export_jobs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toExportJob);
}

export async function markExportStarted(db: Kysely<AdminDatabase>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('export_jobs')
    .set({ status: 'running', started_at: toStoredTimestamp(at) })
    .where('id', '=', id)
    .where('status', '=', 'ready')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function updateExportProgress(
  db: Kysely<AdminDatabase>,
  id: string,
  done: number,
  lastUserId: string | null,
): Promise<void> {
  await db
    .updateTable('export_jobs')
    .set({ done, last_user_id: lastUserId })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function markExportFinished(
  db: Kysely<AdminDatabase>,
  id: string,
  outcome: ExportJobOutcome,
): Promise<void> {
  await db
    .updateTable('export_jobs')
    .set({
      status: outcome.status,
      finished_at: toStoredTimestamp(outcome.at),
      done: outcome.done,
      last_user_id: outcome.lastUserId,
      error: outcome.error,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

// The audit log.

function toAuditEvent(row: Selectable<Database['audit_events']>): AuditEventRecord {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type,
    at: row.at,
    actorId: row.actor_id,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: row.detail,
  };
}

export async function selectAuditEventsOfType(
  db: Kysely<AdminDatabase>,
  filter: AuditFilter,
  before: AuditCursor | undefined,
  limit: number,
): Promise<AuditEventRecord[]> {
  let query = db.selectFrom('audit_events').selectAll().where('type', '=', filter.type);
  if (filter.targetUserId !== undefined) query = query.where('user_id', '=', filter.targetUserId);
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
  if (before !== undefined) {
    const at = toStoredTimestamp(before.at);
    query = query.where((eb) =>
      eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', before.id)])]),
    );
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toAuditEvent);
}

export async function selectAuditEventsOfUser(
  db: Kysely<AdminDatabase>,
  userId: string,
  after: AuditCursor | undefined,
  limit: number,
): Promise<AuditEventRecord[]> {
  let query = db.selectFrom('audit_events').selectAll().where('user_id', '=', userId);
  if (after !== undefined) {
    const at = toStoredTimestamp(after.at);
    query = query.where((eb) =>
      eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', after.id)])]),
    );
  }
  const rows = await query.orderBy('at').orderBy('id').limit(limit).execute();
  return rows.map(toAuditEvent);
}
