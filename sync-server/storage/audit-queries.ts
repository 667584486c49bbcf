// Queries on the audit log, personal access tokens and throttling counters.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { tokenScopes } from '#shared/entities/settings';
import type { AccessTokenRecord, AuditEventRecord, ThrottleState } from './account-records.ts';
import { toStoredTimestamp } from './rows.ts';
import type { Database } from './schema.ts';

const StoredScopes = z.array(z.enum(tokenScopes));

export async function insertAuditEvent(db: Kysely<Database>, event: AuditEventRecord): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      user_id: event.userId,
      type: event.type,
      at: toStoredTimestamp(event.at),
      actor_id: event.actorId,
      ip: event.ip,
      user_agent: event.userAgent,
      detail: event.detail,
    })
    .execute();
}

export async function selectAuditEvents(
  db: Kysely<Database>,
  userId: string,
  before: string | undefined,
  limit: number,
): Promise<AuditEventRecord[]> {
  let query = db.selectFrom('audit_events').selectAll().where('user_id', '=', userId);
  if (before !== undefined) query = query.where('at', '<', toStoredTimestamp(before));
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    type: row.type,
    at: row.at,
    actorId: row.actor_id,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: row.detail,
  }));
}

interface TokenRow {
  readonly id: string;
  readonly user_id: string;
  readonly name: string;
  readonly scopes: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

function toAccessToken(row: TokenRow): AccessTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    scopes: StoredScopes.parse(JSON.parse(row.scopes)),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function insertAccessToken(
  db: Kysely<Database>,
  token: AccessTokenRecord & { tokenHash: string },
): Promise<void> {
  await db
    .insertInto('personal_access_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      scopes: JSON.stringify(token.scopes),
      token_hash: token.tokenHash,
      created_at: toStoredTimestamp(token.createdAt),
      last_used_at: token.lastUsedAt === null ? null : toStoredTimestamp(token.lastUsedAt),
      revoked_at: null,
    })
    .execute();
}

const tokenColumns = ['id', 'user_id', 'name', 'scopes', 'created_at', 'last_used_at'] as const;

export async function selectAccessTokens(db: Kysely<Database>, userId: string): Promise<AccessTokenRecord[]> {
  const rows = await db
    .selectFrom('personal_access_tokens')
    .select(tokenColumns)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAccessToken);
}

export async function selectAccessTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<AccessTokenRecord | undefined> {
  const row = await db
    .selectFrom('personal_access_tokens')
    .select(tokenColumns)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && toAccessToken(row);
}

export async function markAccessTokenRevoked(
  db: Kysely<Database>,
  userId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('personal_access_tokens')
    .set({ revoked_at: toStoredTimestamp(at) })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markAccessTokenUsed(
  db: Kysely<Database>,
  id: string,
  at: string,
  staleBefore: string,
): Promise<boolean> {
  const result = await db
    .updateTable('personal_access_tokens')
    .set({ last_used_at: toStoredTimestamp(at) })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', toStoredTimestamp(staleBefore))]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** One statement, so concurrent hits (several server processes) all count. */
export async function upsertThrottleHit(
  db: Kysely<Database>,
  key: string,
  at: string,
  windowStart: string,
): Promise<ThrottleState> {
  const now = toStoredTimestamp(at);
  const start = toStoredTimestamp(windowStart);
  const row = await db
    .insertInto('throttles')
    .values({ key, hits: 1, window_started_at: now, locked_until: null })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when('throttles.window_started_at', '<', start)
          .then(1)
          .else(eb('throttles.hits', '+', 1))
          .end(),
        window_started_at: eb
          .case()
          .when('throttles.window_started_at', '<', start)
          .then(now)
          .else(eb.ref('throttles.window_started_at'))
          .end(),
      })),
    )
    .returning(['hits', 'window_started_at', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { hits: row.hits, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
}

export async function selectThrottle(db: Kysely<Database>, key: string): Promise<ThrottleState | undefined> {
  const row = await db
    .selectFrom('throttles')
    .select(['hits', 'window_started_at', 'locked_until'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { hits: row.hits, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
}

export async function setThrottleLock(
  db: Kysely<Database>,
  key: string,
  until: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('throttles')
    .set({ locked_until: toStoredTimestamp(until) })
    .where('key', '=', key)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', toStoredTimestamp(at))]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}

export async function deleteStaleThrottleRows(db: Kysely<Database>, before: string): Promise<number> {
  const cutoff = toStoredTimestamp(before);
  const result = await db
    .deleteFrom('throttles')
    .where('window_started_at', '<', cutoff)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', cutoff)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
