// Queries on sessions and their tokens: issue, look up by access token, rotate refresh tokens, revoke.
import type { Kysely, Selectable } from 'kysely';
import type {
  AccessGrant,
  NewSession,
  NewSessionToken,
  RefreshUse,
  SessionRecord,
  SessionSelector,
  SessionTokenKind,
} from './account-records.ts';
import { toStoredTimestamp } from './rows.ts';
import type { Database, SessionsTable } from './schema.ts';

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    deviceName: row.device_name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    authenticatedAt: row.authenticated_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    revokedAt: row.revoked_at,
  };
}

export async function insertSession(
  db: Kysely<Database>,
  session: NewSession,
  tokens: readonly NewSessionToken[],
): Promise<void> {
  const createdAt = toStoredTimestamp(session.createdAt);
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      device_name: session.deviceName,
      created_at: createdAt,
      last_seen_at: createdAt,
      authenticated_at: createdAt,
      expires_at: toStoredTimestamp(session.expiresAt),
      ip: session.ip,
      user_agent: session.userAgent,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  await insertTokens(db, tokens);
}

export async function insertTokens(db: Kysely<Database>, tokens: readonly NewSessionToken[]): Promise<void> {
  if (tokens.length === 0) return;
  await db
    .insertInto('session_tokens')
    .values(
      tokens.map((token) => ({
        token_hash: token.tokenHash,
        session_id: token.sessionId,
        kind: token.kind,
        created_at: toStoredTimestamp(token.createdAt),
        expires_at: toStoredTimestamp(token.expiresAt),
        used_at: null,
      })),
    )
    .execute();
}

export async function selectSession(db: Kysely<Database>, id: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

export async function selectByToken(
  db: Kysely<Database>,
  tokenHash: string,
  kind: SessionTokenKind,
): Promise<AccessGrant | undefined> {
  const row = await db
    .selectFrom('session_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .selectAll('s')
    .select('t.expires_at as token_expires_at')
    .where('t.token_hash', '=', tokenHash)
    .where('t.kind', '=', kind)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { token_expires_at, ...session } = row;
  return { session: toSession(session), tokenExpiresAt: token_expires_at };
}

export async function markRefreshTokenUsed(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<RefreshUse> {
  // The conditional update is the single point where two presentations of one token are ordered.
  const used = await db
    .updateTable('session_tokens')
    .set({ used_at: toStoredTimestamp(at) })
    .where('token_hash', '=', tokenHash)
    .where('kind', '=', 'refresh')
    .where('used_at', 'is', null)
    .returning(['session_id', 'expires_at'])
    .executeTakeFirst();
  if (used !== undefined) {
    const session = await selectSession(db, used.session_id);
    return session === undefined
      ? { outcome: 'unknown' }
      : { outcome: 'fresh', session, tokenExpiresAt: used.expires_at };
  }
  const known = await db
    .selectFrom('session_tokens')
    .select('session_id')
    .where('token_hash', '=', tokenHash)
    .where('kind', '=', 'refresh')
    .executeTakeFirst();
  const session = known && (await selectSession(db, known.session_id));
  return session === undefined ? { outcome: 'unknown' } : { outcome: 'reused', session };
}

export async function updateLastSeen(
  db: Kysely<Database>,
  id: string,
  seen: { at: string; ip: string | null; userAgent: string | null },
  staleBefore: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: toStoredTimestamp(seen.at), ip: seen.ip, user_agent: seen.userAgent })
    .where('id', '=', id)
    .where('last_seen_at', '<', toStoredTimestamp(staleBefore))
    .execute();
}

export async function updateAuthenticatedAt(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ authenticated_at: toStoredTimestamp(at) })
    .where('id', '=', id)
    .execute();
}

export async function selectLiveSessions(
  db: Kysely<Database>,
  userId: string,
  now: string,
): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', toStoredTimestamp(now))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSession);
}

export async function markSessionsRevoked(
  db: Kysely<Database>,
  selector: SessionSelector,
  at: string,
  reason: string,
): Promise<string[]> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: toStoredTimestamp(at), revoked_reason: reason })
    .where('user_id', '=', selector.userId)
    .where('revoked_at', 'is', null);
  if (selector.sessionId !== undefined) query = query.where('id', '=', selector.sessionId);
  if (selector.exceptSessionId !== undefined) query = query.where('id', '!=', selector.exceptSessionId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}

export async function deleteStale(db: Kysely<Database>, before: string): Promise<number> {
  const cutoff = toStoredTimestamp(before);
  const tokens = await db.deleteFrom('session_tokens').where('expires_at', '<', cutoff).executeTakeFirst();
  const sessions = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(tokens.numDeletedRows + sessions.numDeletedRows);
}
