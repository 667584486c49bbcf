// Queries on one-time secrets: emailed verification codes, step-up challenges and recovery codes.
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  ChallengePurpose,
  ChallengeRecord,
  CodeCheck,
  CodePurpose,
  RecoveryCodeRecord,
  VerificationCodeRecord,
} from './account-records.ts';
import { toStoredTimestamp } from './rows.ts';
import type { Database } from './schema.ts';

const codePurposes: readonly CodePurpose[] = ['verify-email', 'reset-password', 'change-email'];
const challengePurposes: readonly ChallengePurpose[] = ['second-factor', 'restore', 'email-revert'];

function asCodePurpose(value: string): CodePurpose {
  const purpose = codePurposes.find((candidate) => candidate === value);
  if (purpose === undefined) throw new Error(`stored code purpose ${value} is unknown`);
  return purpose;
}

function asChallengePurpose(value: string): ChallengePurpose {
  const purpose = challengePurposes.find((candidate) => candidate === value);
  if (purpose === undefined) throw new Error(`stored challenge purpose ${value} is unknown`);
  return purpose;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function selectCode(
  db: Kysely<Database>,
  userId: string,
  purpose: CodePurpose,
  forUpdate: boolean,
): Promise<VerificationCodeRecord | undefined> {
  const row = await db
    .selectFrom('verification_codes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .$if(forUpdate, (query) => query.forUpdate())
    .executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      purpose: asCodePurpose(row.purpose),
      codeHash: row.code_hash,
      targetEmail: row.target_email,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      attempts: row.attempts,
      consumedAt: row.consumed_at,
      sendCount: row.send_count,
      sendWindowStartedAt: row.send_window_started_at,
    }
  );
}

export async function upsertCode(db: Kysely<Database>, code: VerificationCodeRecord): Promise<void> {
  const values = {
    code_hash: code.codeHash,
    target_email: code.targetEmail,
    created_at: toStoredTimestamp(code.createdAt),
    expires_at: toStoredTimestamp(code.expiresAt),
    attempts: code.attempts,
    consumed_at: code.consumedAt === null ? null : toStoredTimestamp(code.consumedAt),
    send_count: code.sendCount,
    send_window_started_at: toStoredTimestamp(code.sendWindowStartedAt),
  };
  await db
    .insertInto('verification_codes')
    .values({ user_id: code.userId, purpose: code.purpose, ...values })
    .onConflict((conflict) => conflict.columns(['user_id', 'purpose']).doUpdateSet(values))
    .execute();
}

/** Runs in a transaction that locks the row (PostgreSQL) or the database (SQLite). */
export async function checkCode(
  trx: Kysely<Database>,
  forUpdate: boolean,
  request: { userId: string; purpose: CodePurpose; codeHash: string; at: string; maxAttempts: number },
): Promise<CodeCheck> {
  const { userId, purpose } = request;
  const code = await selectCode(trx, userId, purpose, forUpdate);
  if (code === undefined) return { ok: false, reason: 'missing' };
  if (code.consumedAt !== null) return { ok: false, reason: 'used' };
  if (code.attempts >= request.maxAttempts) return { ok: false, reason: 'exhausted' };
  const at = toStoredTimestamp(request.at);
  if (code.expiresAt <= at) return { ok: false, reason: 'expired' };
  const where = trx
    .updateTable('verification_codes')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose);
  if (!sameHash(code.codeHash, request.codeHash)) {
    await where.set({ attempts: code.attempts + 1 }).execute();
    return { ok: false, reason: 'wrong' };
  }
  await where.set({ consumed_at: at }).execute();
  return { ok: true, targetEmail: code.targetEmail };
}

export async function deleteCode(db: Kysely<Database>, userId: string, purpose: CodePurpose): Promise<void> {
  await db
    .deleteFrom('verification_codes')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .execute();
}

export async function insertChallenge(db: Kysely<Database>, challenge: ChallengeRecord): Promise<void> {
  await db
    .insertInto('auth_challenges')
    .values({
      token_hash: challenge.tokenHash,
      user_id: challenge.userId,
      purpose: challenge.purpose,
      created_at: toStoredTimestamp(challenge.createdAt),
      expires_at: toStoredTimestamp(challenge.expiresAt),
      used_at: null,
      attempts: challenge.attempts,
      data: challenge.data,
    })
    .execute();
}

export async function selectChallenge(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ChallengeRecord | undefined> {
  const row = await db
    .selectFrom('auth_challenges')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    row && {
      tokenHash: row.token_hash,
      userId: row.user_id,
      purpose: asChallengePurpose(row.purpose),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      attempts: row.attempts,
      data: row.data,
    }
  );
}

export async function incrementChallengeAttempts(db: Kysely<Database>, tokenHash: string): Promise<number> {
  const row = await db
    .updateTable('auth_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? Number.MAX_SAFE_INTEGER;
}

export async function markChallengeUsed(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('auth_challenges')
    .set({ used_at: toStoredTimestamp(at) })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteUserChallenges(
  db: Kysely<Database>,
  userId: string,
  purpose: ChallengePurpose,
): Promise<void> {
  await db
    .deleteFrom('auth_challenges')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .execute();
}

export async function deleteExpiredChallengeRows(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db
    .deleteFrom('auth_challenges')
    .where('expires_at', '<', toStoredTimestamp(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Runs in a transaction: the old set disappears as the new one appears. */
export async function replaceCodes(
  trx: Kysely<Database>,
  userId: string,
  codes: readonly { id: string; codeHash: string }[],
  at: string,
): Promise<void> {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codes.length === 0) return;
  const createdAt = toStoredTimestamp(at);
  await trx
    .insertInto('recovery_codes')
    .values(
      codes.map((code) => ({
        id: code.id,
        user_id: userId,
        code_hash: code.codeHash,
        created_at: createdAt,
        used_at: null,
      })),
    )
    .execute();
}

export async function selectRecoveryCodes(
  db: Kysely<Database>,
  userId: string,
): Promise<RecoveryCodeRecord[]> {
  const rows = await db
    .selectFrom('recovery_codes')
    .select(['id', 'code_hash', 'used_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, codeHash: row.code_hash, usedAt: row.used_at }));
}

export async function markRecoveryCodeUsed(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: toStoredTimestamp(at) })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteRecoveryCodeRows(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}
