// The one SyncStore implementation over Kysely; dialect differences come in through StoreDialect.
import { sql, type Kysely, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import { accountFields } from '#shared/entities/account';
import { AccordError } from '#shared/errors';
import { migrationsFor } from './migrations/index.ts';
import { selectChanges, selectDirectory } from './feeds.ts';
import { toSeq, toStoredDoc, toStoredTimestamp, toUserRecord } from './rows.ts';
import { CHANGES_COUNTER, type Database } from './schema.ts';
import type {
  ChangeEvent,
  Checkpoint,
  DirectoryEntry,
  SessionRecord,
  StoredDoc,
  SyncedCollection,
  SyncStore,
  UserRecord,
  WriteDecision,
} from './store.ts';

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
  #closing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: StoreDialect,
  ) {
    this.dialect = engine.name;
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
    const { result, events } = await this.db
      .transaction()
      .execute((trx) => this.#writeInTransaction(trx, collection, id, decide));
    this.engine.afterCommit(events);
    return result;
  }

  async #writeInTransaction<T>(
    trx: Transaction<Database>,
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<WriteOutcome<T>> {
    await this.engine.lockDocument(trx, collection, id);
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

  async createUser(user: {
    id: string;
    email: string;
    passwordHash: string;
    role: UserRecord['role'];
    createdAt: string;
  }): Promise<void> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email.toLowerCase(),
          password_hash: user.passwordHash,
          role: user.role,
          status: accountFields.status.initial,
          created_at: toStoredTimestamp(user.createdAt),
          deletion_due_at: null,
        })
        .execute();
    } catch (error) {
      if (this.engine.isUniqueViolation(error)) {
        throw new AccordError('conflict', 'An account with this email address already exists.', 'email');
      }
      throw error;
    }
  }

  async findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && { ...toUserRecord(row), passwordHash: row.password_hash };
  }

  async findUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUserRecord(row);
  }

  async createSession(session: {
    id: string;
    userId: string;
    tokenHash: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        token_hash: session.tokenHash,
        created_at: toStoredTimestamp(session.createdAt),
        expires_at: toStoredTimestamp(session.expiresAt),
      })
      .execute();
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['id', 'user_id', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { id: row.id, userId: row.user_id, expiresAt: row.expires_at };
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
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
