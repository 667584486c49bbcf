// Contact verification rows: the pending code of each address in a profile's emails and phones,
// and the addresses verified by code (one account per address, kept by a partial unique index).
// The writes that decide who sends a code are compare-and-set, so several processes reconciling
// the same profile at once send one code.
import { timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { ContactKind } from '#shared/contract/contact';
import type { ContactVerificationsTable } from './integration-schema.ts';
import { toStoredTimestamp } from './rows.ts';
import type { Database } from './schema.ts';

export type ContactStatus = 'pending' | 'verified';

/** A user's address of one kind: the key of a row. */
export interface ContactKey {
  readonly userId: string;
  readonly kind: ContactKind;
  /** Lower-case email or E.164 number. */
  readonly address: string;
}

export interface ContactVerificationRecord extends ContactKey {
  readonly status: ContactStatus;
  readonly codeHash: string | null;
  readonly codeSentAt: string | null;
  readonly expiresAt: string | null;
  readonly attempts: number;
  readonly consumedAt: string | null;
  readonly sendCount: number;
  readonly sendWindowStartedAt: string | null;
  readonly verifiedAt: string | null;
  readonly createdAt: string;
}

/** The code fields written when a code goes out. */
export interface ContactCodeIssue {
  readonly codeHash: string;
  readonly codeSentAt: string;
  readonly expiresAt: string;
  readonly sendCount: number;
  readonly sendWindowStartedAt: string;
}

export type ContactCodeCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** `taken`: the code was right but the address is verified on another account. */
      readonly reason: 'missing' | 'wrong' | 'expired' | 'used' | 'exhausted' | 'taken';
    };

export interface ContactStore {
  list(userId: string): Promise<ContactVerificationRecord[]>;
  get(key: ContactKey): Promise<ContactVerificationRecord | undefined>;
  /** Inserts a pending row without a code; false when the row exists (another writer made it). */
  claimPending(key: ContactKey, at: string): Promise<boolean>;
  /**
   * Puts a new code on a pending row (the previous code stops working); `previousSentAt` makes it
   * compare-and-set, so of two concurrent sends one wins. False when the row moved on.
   */
  storeCode(key: ContactKey, previousSentAt: string | null, issue: ContactCodeIssue): Promise<boolean>;
  /** Records the address as verified without a code (e.g. a former sign-in address); `taken` when another account holds it. */
  adoptVerified(key: ContactKey, at: string): Promise<'adopted' | 'taken'>;
  /** Deletes the row (cancels its code, frees a verified address). */
  remove(key: ContactKey): Promise<boolean>;
  /** Checks a code and, when right and the address is free, marks the row verified, atomically. */
  consumeCode(key: ContactKey, codeHash: string, at: string, maxAttempts: number): Promise<ContactCodeCheck>;
}

export interface QueryDialect {
  readonly name: 'sqlite' | 'postgres';
  isUniqueViolation(error: unknown): boolean;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function toRecord(row: ContactVerificationsTable): ContactVerificationRecord {
  return {
    userId: row.user_id,
    kind: ContactKind.parse(row.kind),
    address: row.address,
    status: row.status === 'verified' ? 'verified' : 'pending',
    codeHash: row.code_hash,
    codeSentAt: row.code_sent_at,
    expiresAt: row.expires_at,
    attempts: row.attempts,
    consumedAt: row.consumed_at,
    sendCount: row.send_count,
    sendWindowStartedAt: row.send_window_started_at,
    verifiedAt: row.verified_at,
    createdAt: row.created_at,
  };
}

/** The row's primary key, for `where((eb) => eb.and(keyColumns(key)))`. */
function keyColumns(key: ContactKey) {
  return { user_id: key.userId, kind: key.kind, address: key.address };
}

function newRow(key: ContactKey, status: ContactStatus, at: string): ContactVerificationsTable {
  const now = toStoredTimestamp(at);
  return {
    ...keyColumns(key),
    status,
    code_hash: null,
    code_sent_at: null,
    expires_at: null,
    attempts: 0,
    consumed_at: null,
    send_count: 0,
    send_window_started_at: null,
    verified_at: status === 'verified' ? now : null,
    created_at: now,
  };
}

export class KyselyContactStore implements ContactStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: QueryDialect,
  ) {}

  async list(userId: string): Promise<ContactVerificationRecord[]> {
    const rows = await this.db
      .selectFrom('contact_verifications')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('kind')
      .orderBy('address')
      .execute();
    return rows.map(toRecord);
  }

  get(key: ContactKey): Promise<ContactVerificationRecord | undefined> {
    return selectRow(this.db, key, false);
  }

  async claimPending(key: ContactKey, at: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('contact_verifications')
      .values(newRow(key, 'pending', at))
      .onConflict((conflict) => conflict.columns(['user_id', 'kind', 'address']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async storeCode(key: ContactKey, previousSentAt: string | null, issue: ContactCodeIssue): Promise<boolean> {
    const updated = await this.db
      .updateTable('contact_verifications')
      .set({
        code_hash: issue.codeHash,
        code_sent_at: toStoredTimestamp(issue.codeSentAt),
        expires_at: toStoredTimestamp(issue.expiresAt),
        attempts: 0,
        consumed_at: null,
        send_count: issue.sendCount,
        send_window_started_at: toStoredTimestamp(issue.sendWindowStartedAt),
      })
      .where((eb) => eb.and(keyColumns(key)))
      .where('status', '=', 'pending')
      .where((eb) =>
        previousSentAt === null
          ? eb('code_sent_at', 'is', null)
          : eb('code_sent_at', '=', toStoredTimestamp(previousSentAt)),
      )
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  async adoptVerified(key: ContactKey, at: string): Promise<'adopted' | 'taken'> {
    const adopt = this.db.transaction().execute(async (trx) => {
      if (await heldElsewhere(trx, key)) return 'taken' as const;
      const now = toStoredTimestamp(at);
      await trx
        .insertInto('contact_verifications')
        .values(newRow(key, 'verified', at))
        .onConflict((conflict) =>
          conflict
            .columns(['user_id', 'kind', 'address'])
            .doUpdateSet({ status: 'verified', code_hash: null, verified_at: now }),
        )
        .execute();
      return 'adopted' as const;
    });
    return (await this.#takenOnUniqueViolation(adopt)) ?? 'taken';
  }

  async remove(key: ContactKey): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('contact_verifications')
      .where((eb) => eb.and(keyColumns(key)))
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  async consumeCode(
    key: ContactKey,
    codeHash: string,
    at: string,
    maxAttempts: number,
  ): Promise<ContactCodeCheck> {
    const forUpdate = this.dialect.name === 'postgres';
    const check = this.db
      .transaction()
      .execute((trx) => checkAndVerify(trx, forUpdate, key, codeHash, at, maxAttempts));
    return (await this.#takenOnUniqueViolation(check)) ?? { ok: false, reason: 'taken' };
  }

  /** Undefined when another account verified the address in the same instant: the index decided. */
  async #takenOnUniqueViolation<T>(work: Promise<T>): Promise<T | undefined> {
    try {
      return await work;
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) return undefined;
      throw error;
    }
  }
}

async function selectRow(
  db: Kysely<Database>,
  key: ContactKey,
  forUpdate: boolean,
): Promise<ContactVerificationRecord | undefined> {
  const row = await db
    .selectFrom('contact_verifications')
    .selectAll()
    .where((eb) => eb.and(keyColumns(key)))
    .$if(forUpdate, (query) => query.forUpdate())
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Runs in a transaction that locks the row (PostgreSQL) or the database (SQLite). */
async function checkAndVerify(
  trx: Transaction<Database>,
  forUpdate: boolean,
  key: ContactKey,
  codeHash: string,
  at: string,
  maxAttempts: number,
): Promise<ContactCodeCheck> {
  const row = await selectRow(trx, key, forUpdate);
  if (row === undefined) return { ok: false, reason: 'missing' };
  if (row.status === 'verified' || row.consumedAt !== null) return { ok: false, reason: 'used' };
  if (row.codeHash === null) return { ok: false, reason: 'missing' };
  if (row.attempts >= maxAttempts) return { ok: false, reason: 'exhausted' };
  const now = toStoredTimestamp(at);
  if (row.expiresAt === null || row.expiresAt <= now) return { ok: false, reason: 'expired' };
  const update = trx.updateTable('contact_verifications').where((eb) => eb.and(keyColumns(key)));
  if (!sameHash(row.codeHash, codeHash)) {
    await update.set({ attempts: row.attempts + 1 }).execute();
    return { ok: false, reason: 'wrong' };
  }
  if (await heldElsewhere(trx, key)) {
    await update.set({ consumed_at: now }).execute();
    return { ok: false, reason: 'taken' };
  }
  await update.set({ status: 'verified', consumed_at: now, code_hash: null, verified_at: now }).execute();
  return { ok: true };
}

/** Verified by code on another account, or (email) another account's sign-in address. */
async function heldElsewhere(trx: Transaction<Database>, key: ContactKey): Promise<boolean> {
  const verified = await trx
    .selectFrom('contact_verifications')
    .select('user_id')
    .where('kind', '=', key.kind)
    .where('address', '=', key.address)
    .where('status', '=', 'verified')
    .where('user_id', '<>', key.userId)
    .executeTakeFirst();
  if (verified !== undefined) return true;
  if (key.kind !== 'email') return false;
  const account = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', key.address)
    .where('id', '<>', key.userId)
    .executeTakeFirst();
  return account !== undefined;
}
