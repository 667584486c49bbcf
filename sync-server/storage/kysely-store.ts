// The one SyncStore implementation over Kysely; dialect differences come in through StoreDialect.
import { sql, type Kysely, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import { AccordError } from '#shared/errors';
import { migrationsFor } from './migrations/index.ts';
import type { AdminStore } from './admin-records.ts';
import { KyselyAdminStore } from './admin-store.ts';
import {
  deleteStaleThrottleRows,
  deleteThrottle,
  insertAccessToken,
  insertAuditEvent,
  markAccessTokenRevoked,
  markAccessTokenUsed,
  selectAccessTokenByHash,
  selectAccessTokens,
  selectAuditEvents,
  selectThrottle,
  setThrottleLock,
  upsertThrottleHit,
} from './audit-queries.ts';
import {
  checkCode,
  deleteCode,
  deleteExpiredChallengeRows,
  deleteRecoveryCodeRows,
  deleteUserChallenges,
  incrementChallengeAttempts,
  insertChallenge,
  markChallengeUsed,
  markRecoveryCodeUsed,
  replaceCodes,
  selectChallenge,
  selectCode,
  selectRecoveryCodes,
  upsertCode,
} from './code-queries.ts';
import { KyselyContactStore, type ContactStore } from './contact-queries.ts';
import { GroupCommit } from './group-commit.ts';
import { selectChanges, selectDirectory } from './feeds.ts';
import { toSeq, toStoredDoc } from './rows.ts';
import { CHANGES_COUNTER, type Database } from './schema.ts';
import {
  deleteStale,
  insertSession,
  insertTokens,
  markRefreshTokenUsed,
  markSessionsRevoked,
  selectByToken,
  selectLiveSessions,
  selectSession,
  updateAuthenticatedAt,
  updateLastSeen,
} from './session-queries.ts';
import type {
  AccessGrant,
  AccessTokenRecord,
  AuditEventRecord,
  ChallengePurpose,
  ChallengeRecord,
  ChangeEvent,
  Checkpoint,
  CodeCheck,
  CodePurpose,
  DirectoryEntry,
  NewSession,
  NewSessionToken,
  RecoveryCodeRecord,
  RefreshUse,
  SessionRecord,
  SessionSelector,
  SessionTokenKind,
  StoredDoc,
  SyncedCollection,
  SyncStore,
  ThrottleState,
  UserChange,
  UserRecord,
  UserSecrets,
  VerificationCodeRecord,
  WriteDecision,
} from './store.ts';
import {
  applyUserChange,
  erasePurgedUser,
  insertUser,
  markTotpStep,
  selectUser,
  selectUserByEmail,
  selectUserSecrets,
  selectUsersDueForPurge,
} from './user-queries.ts';
import { journalWrite, KyselyWebhookStore } from './webhook-queries.ts';
import type { WebhookStore } from './webhook-records.ts';

/** What differs between SQLite and PostgreSQL, and nothing else. */
export interface StoreDialect {
  readonly name: SyncStore['dialect'];
  /** How a boolean is bound (better-sqlite3 binds no booleans). */
  flag(value: boolean): boolean | number;
  /** First statement of a document write: serialises writers of that document, even one not yet stored. */
  lockDocument(trx: Transaction<Database>, collection: SyncedCollection, id: string): Promise<void>;
  /** Runs inside the writing transaction, so delivery happens only if it commits. */
  publish(trx: Transaction<Database>, events: readonly ChangeEvent[]): Promise<void>;
  /** Runs after the commit. */
  afterCommit(events: readonly ChangeEvent[]): void;
  /** Runs `migrate` so that concurrent callers (other processes) apply each migration once. */
  withMigrationLock(db: Kysely<Database>, migrate: (db: Kysely<Database>) => Promise<void>): Promise<void>;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  isUniqueViolation(error: unknown): boolean;
  /** Releases what the dialect holds beyond the Kysely instance; runs before it is destroyed. */
  close(): Promise<void>;
  /** Releases what the Kysely instance may not have (it closes only a driver it has started). */
  afterDestroy(): Promise<void>;
}

/** The directory is a projection of these collections, so writing one re-sends the owner's entry. */
const projectedCollections: ReadonlySet<SyncedCollection> = new Set(['profiles', 'settings']);

interface WriteOutcome<T> {
  readonly result: T;
  readonly events: ChangeEvent[];
}

export class KyselyStore implements SyncStore {
  readonly dialect: SyncStore['dialect'];
  readonly contacts: ContactStore;
  readonly webhooks: WebhookStore;
  #admin: AdminStore | undefined;

  get admin(): AdminStore {
    this.#admin ??= new KyselyAdminStore({
      db: this.db,
      engine: this.engine,
      writeInTransaction: (trx, collection, id, decide) =>
        this.#writeInTransaction(trx, collection, id, decide),
    });
    return this.#admin;
  }
  #closing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: StoreDialect,
  ) {
    this.dialect = engine.name;
    const queries = {
      name: engine.name,
      isUniqueViolation: (error: unknown) => engine.isUniqueViolation(error),
    };
    this.contacts = new KyselyContactStore(db, queries);
    this.webhooks = new KyselyWebhookStore(db, queries);
  }

  async migrate(): Promise<void> {
    await this.engine.withMigrationLock(this.db, async (db) => {
      const migrator = new Migrator({ db, provider: migrationsFor(this.engine.name) });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error');
        throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed`, { cause: error });
      }
    });
  }

  /** Reads a migrated table, so a database that answers but was never migrated is not ready. */
  async ping(): Promise<void> {
    await this.db.selectFrom('counters').select('name').limit(1).execute();
  }

  /** Idempotent: shutdown paths may race to close the store. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.engine.close();
      await this.db.destroy();
      await this.engine.afterDestroy();
    })();
    return this.#closing;
  }

  async latestSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', CHANGES_COUNTER)
      .executeTakeFirstOrThrow();
    return toSeq(row.value);
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    return this.engine.subscribe(listener);
  }

  async getDocument(collection: SyncedCollection, id: string): Promise<StoredDoc | undefined> {
    const row = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('collection', '=', collection)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toStoredDoc(row);
  }

  async writeDocument<T>(
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T> {
    // Concurrent writes (pushes from many devices) share a transaction; see group-commit.ts.
    const { result, events } = await this.#groupCommit.submit({
      lockKey: `${collection}/${id}`,
      lock: (trx) => this.engine.lockDocument(trx, collection, id),
      run: (trx) => this.#writeLocked(trx, collection, id, decide),
    });
    this.engine.afterCommit(events);
    return result;
  }

  readonly #groupCommit = new GroupCommit<Transaction<Database>>({
    transaction: (body) => this.db.transaction().execute(body),
    execute: async (trx, statement) => {
      await sql.raw(statement).execute(trx);
    },
  });

  async #writeInTransaction<T>(
    trx: Transaction<Database>,
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<WriteOutcome<T>> {
    await this.engine.lockDocument(trx, collection, id);
    return this.#writeLocked(trx, collection, id, decide);
  }

  /** The write itself, once the caller holds the document's lock (see StoreDialect.lockDocument). */
  async #writeLocked<T>(
    trx: Transaction<Database>,
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<WriteOutcome<T>> {
    const row = await trx
      .selectFrom('documents')
      .selectAll()
      .where('collection', '=', collection)
      .where('id', '=', id)
      // Also blocks any future writer that updates rows directly instead of through writeDocument.
      .$if(this.engine.name === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
    const current = row && toStoredDoc(row);
    const decision = decide(current);

    const events: ChangeEvent[] = [];
    const touched = new Set(decision.touchDirectory);
    const { write } = decision;
    if (write !== undefined) {
      if (write.data.id !== id)
        throw new Error(`document ${collection}/${id} written with id ${write.data.id}`);
      const seq = await nextSeq(trx);
      const values = {
        owner_id: write.ownerId,
        seq,
        deleted: this.engine.flag(write.deleted),
        data: JSON.stringify(write.data),
      };
      await trx
        .insertInto('documents')
        .values({ collection, id, ...values })
        .onConflict((conflict) => conflict.columns(['collection', 'id']).doUpdateSet(values))
        .execute();
      events.push({ collection, ownerId: write.ownerId, seq });
      await journalWrite(trx, seq, { collection, id, before: current, after: write });
      if (projectedCollections.has(collection)) {
        touched.add(write.ownerId);
        if (current !== undefined) touched.add(current.ownerId);
      }
    }
    for (const ownerId of touched) {
      const seq = await nextSeq(trx);
      await trx
        .insertInto('directory_feed')
        .values({ owner_id: ownerId, seq })
        .onConflict((conflict) => conflict.column('owner_id').doUpdateSet({ seq }))
        .execute();
      events.push({ collection: 'directory', ownerId, seq });
    }
    await this.engine.publish(trx, events);
    return { result: decision.result, events };
  }

  changesSince(
    collection: SyncedCollection,
    ownerId: string,
    since: Checkpoint | undefined,
    limit: number,
  ): Promise<StoredDoc[]> {
    return selectChanges(this.db, collection, ownerId, since, limit);
  }

  directorySince(since: Checkpoint | undefined, limit: number): Promise<DirectoryEntry[]> {
    return selectDirectory(this.db, since, limit);
  }

  // Users.

  async createUser(user: {
    id: string;
    email: string;
    passwordHash: string;
    role: UserRecord['role'];
    createdAt: string;
    emailVerified?: boolean;
  }): Promise<void> {
    await this.#mapConflict(() => insertUser(this.db, this.#flag, user));
  }

  findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    return selectUserByEmail(this.db, email);
  }

  findUser(id: string): Promise<UserRecord | undefined> {
    return selectUser(this.db, id);
  }

  findUserSecrets(id: string): Promise<UserSecrets | undefined> {
    return selectUserSecrets(this.db, id);
  }

  updateUser(id: string, change: UserChange): Promise<boolean> {
    return this.#mapConflict(() => applyUserChange(this.db, this.#flag, id, change));
  }

  async updateAccount<T>(
    id: string,
    change: UserChange,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T> {
    const { result, events } = await this.#mapConflict(() =>
      this.db.transaction().execute(async (trx) => {
        // The document lock first, as every document write takes it: one lock order, no deadlock.
        await this.engine.lockDocument(trx, 'accounts', id);
        if (!(await applyUserChange(trx, this.#flag, id, change))) {
          throw new AccordError('not_found', 'No such account.');
        }
        return this.#writeInTransaction(trx, 'accounts', id, decide);
      }),
    );
    this.engine.afterCommit(events);
    return result;
  }

  recordTotpStep(id: string, step: number): Promise<boolean> {
    return markTotpStep(this.db, id, step);
  }

  listUsersDueForPurge(now: string, limit: number): Promise<string[]> {
    return selectUsersDueForPurge(this.db, now, limit);
  }

  purgeUser(id: string, receipt: AuditEventRecord, throttleKeys: readonly string[]): Promise<boolean> {
    return this.db.transaction().execute((trx) => erasePurgedUser(trx, id, receipt, throttleKeys));
  }

  // Sessions.

  createSession(session: NewSession, tokens: readonly NewSessionToken[]): Promise<void> {
    return this.db.transaction().execute((trx) => insertSession(trx, session, tokens));
  }

  addSessionTokens(tokens: readonly NewSessionToken[]): Promise<void> {
    return insertTokens(this.db, tokens);
  }

  findSession(id: string): Promise<SessionRecord | undefined> {
    return selectSession(this.db, id);
  }

  findSessionByToken(tokenHash: string, kind: SessionTokenKind): Promise<AccessGrant | undefined> {
    return selectByToken(this.db, tokenHash, kind);
  }

  useRefreshToken(tokenHash: string, at: string): Promise<RefreshUse> {
    return markRefreshTokenUsed(this.db, tokenHash, at);
  }

  touchSession(
    id: string,
    seen: { at: string; ip: string | null; userAgent: string | null },
    staleBefore: string,
  ): Promise<void> {
    return updateLastSeen(this.db, id, seen, staleBefore);
  }

  markSessionAuthenticated(id: string, at: string): Promise<void> {
    return updateAuthenticatedAt(this.db, id, at);
  }

  listSessions(userId: string, now: string): Promise<SessionRecord[]> {
    return selectLiveSessions(this.db, userId, now);
  }

  revokeSessions(selector: SessionSelector, at: string, reason: string): Promise<string[]> {
    return markSessionsRevoked(this.db, selector, at, reason);
  }

  deleteStaleSessions(before: string): Promise<number> {
    return deleteStale(this.db, before);
  }

  // Verification codes, challenges and recovery codes.

  getVerificationCode(userId: string, purpose: CodePurpose): Promise<VerificationCodeRecord | undefined> {
    return selectCode(this.db, userId, purpose, false);
  }

  putVerificationCode(code: VerificationCodeRecord): Promise<void> {
    return upsertCode(this.db, code);
  }

  consumeVerificationCode(
    userId: string,
    purpose: CodePurpose,
    codeHash: string,
    at: string,
    maxAttempts: number,
  ): Promise<CodeCheck> {
    const forUpdate = this.engine.name === 'postgres';
    return this.db
      .transaction()
      .execute((trx) => checkCode(trx, forUpdate, { userId, purpose, codeHash, at, maxAttempts }));
  }

  deleteVerificationCode(userId: string, purpose: CodePurpose): Promise<void> {
    return deleteCode(this.db, userId, purpose);
  }

  createChallenge(challenge: ChallengeRecord): Promise<void> {
    return insertChallenge(this.db, challenge);
  }

  findChallenge(tokenHash: string): Promise<ChallengeRecord | undefined> {
    return selectChallenge(this.db, tokenHash);
  }

  countChallengeFailure(tokenHash: string): Promise<number> {
    return incrementChallengeAttempts(this.db, tokenHash);
  }

  consumeChallenge(tokenHash: string, at: string): Promise<boolean> {
    return markChallengeUsed(this.db, tokenHash, at);
  }

  deleteChallenges(userId: string, purpose: ChallengePurpose): Promise<void> {
    return deleteUserChallenges(this.db, userId, purpose);
  }

  deleteExpiredChallenges(before: string): Promise<number> {
    return deleteExpiredChallengeRows(this.db, before);
  }

  replaceRecoveryCodes(
    userId: string,
    codes: readonly { id: string; codeHash: string }[],
    at: string,
  ): Promise<void> {
    return this.db.transaction().execute((trx) => replaceCodes(trx, userId, codes, at));
  }

  listRecoveryCodes(userId: string): Promise<RecoveryCodeRecord[]> {
    return selectRecoveryCodes(this.db, userId);
  }

  useRecoveryCode(id: string, at: string): Promise<boolean> {
    return markRecoveryCodeUsed(this.db, id, at);
  }

  deleteRecoveryCodes(userId: string): Promise<void> {
    return deleteRecoveryCodeRows(this.db, userId);
  }

  // Audit log, personal access tokens, throttles.

  appendAuditEvent(event: AuditEventRecord): Promise<void> {
    return insertAuditEvent(this.db, event);
  }

  listAuditEvents(userId: string, before: string | undefined, limit: number): Promise<AuditEventRecord[]> {
    return selectAuditEvents(this.db, userId, before, limit);
  }

  createAccessToken(token: AccessTokenRecord & { tokenHash: string }): Promise<void> {
    return insertAccessToken(this.db, token);
  }

  listAccessTokens(userId: string): Promise<AccessTokenRecord[]> {
    return selectAccessTokens(this.db, userId);
  }

  findAccessTokenByHash(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    return selectAccessTokenByHash(this.db, tokenHash);
  }

  revokeAccessToken(userId: string, id: string, at: string): Promise<boolean> {
    return markAccessTokenRevoked(this.db, userId, id, at);
  }

  touchAccessToken(id: string, at: string, staleBefore: string): Promise<boolean> {
    return markAccessTokenUsed(this.db, id, at, staleBefore);
  }

  countThrottleHit(key: string, at: string, windowStart: string): Promise<ThrottleState> {
    return upsertThrottleHit(this.db, key, at, windowStart);
  }

  getThrottle(key: string): Promise<ThrottleState | undefined> {
    return selectThrottle(this.db, key);
  }

  lockThrottle(key: string, until: string, at: string): Promise<boolean> {
    return setThrottleLock(this.db, key, until, at);
  }

  clearThrottle(key: string): Promise<void> {
    return deleteThrottle(this.db, key);
  }

  deleteStaleThrottles(before: string): Promise<number> {
    return deleteStaleThrottleRows(this.db, before);
  }

  readonly #flag = (value: boolean): boolean | number => this.engine.flag(value);

  /** A unique email violated by an insert or update is the caller's conflict, not a server fault. */
  async #mapConflict<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (this.engine.isUniqueViolation(error)) {
        throw new AccordError('conflict', 'An account with this email address already exists.', 'email');
      }
      throw error;
    }
  }
}

/** Takes the next change sequence; on PostgreSQL the row lock it leaves makes seq order commit order. */
async function nextSeq(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql<number>`value + 1` })
    .where('name', '=', CHANGES_COUNTER)
    .returning('value')
    .executeTakeFirstOrThrow();
  return toSeq(row.value);
}
