// The admin part of the store (`store.admin`), over the same Kysely instance and dialect as the
// rest; writes that touch documents go through the main store's document write, so change
// sequences, directory entries and change events work exactly as for every other write.
import type { Kysely, Transaction } from 'kysely';
import { AccordError } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import type { AuditEventRecord } from './account-records.ts';
import type {
  AdminStore,
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
import {
  countMatchingUsers,
  insertAuditRows,
  insertDocumentRows,
  insertExportJob,
  insertUserRows,
  markExportFinished,
  markExportStarted,
  reserveSeqs,
  selectAuditEventsOfType,
  selectAuditEventsOfUser,
  selectExportJob,
  selectExportJobs,
  selectExportPage,
  selectUserPage,
  updateExportProgress,
  updateRoleKeepingAnAdmin,
  upsertDirectoryRows,
  type AdminDatabase,
  type ExportJobsTable,
  type NewDocumentRow,
} from './admin-queries.ts';
import type { StoreDialect } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { ChangeEvent, StoredDoc, SyncedCollection, WriteDecision } from './store.ts';

/** What the admin store borrows from the main store. */
export interface AdminStoreInternals {
  readonly db: Kysely<Database>;
  readonly engine: StoreDialect;
  /** The main store's document write inside a transaction (locks, seq, directory, events). */
  writeInTransaction<T>(
    trx: Transaction<Database>,
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<{ result: T; events: ChangeEvent[] }>;
}

const newDocumentCollections = ['profiles', 'settings', 'accounts'] as const;

export class KyselyAdminStore implements AdminStore {
  readonly #db: Kysely<AdminDatabase>;

  constructor(private readonly internals: AdminStoreInternals) {
    this.#db = internals.db.$extendTables<{ export_jobs: ExportJobsTable }>();
  }

  get #dialect() {
    return this.internals.engine.name;
  }

  listUsers(
    filter: AdminUserFilter,
    cursor: UserListCursor | undefined,
    limit: number,
  ): Promise<AdminUserRecord[]> {
    return selectUserPage(this.#db, this.#dialect, filter, cursor, limit);
  }

  countUsers(filter: AdminUserFilter, afterId?: string): Promise<number> {
    return countMatchingUsers(this.#db, this.#dialect, filter, afterId);
  }

  exportUsers(
    filter: AdminUserFilter,
    afterId: string | undefined,
    limit: number,
  ): Promise<ExportUserRecord[]> {
    return selectExportPage(this.#db, this.#dialect, filter, afterId, limit);
  }

  async createAccounts(accounts: readonly NewAccountRecord[]): Promise<void> {
    if (accounts.length === 0) return;
    const { engine } = this.internals;
    const flag = (value: boolean) => engine.flag(value);
    const events = await this.#mapConflict(() =>
      this.internals.db.transaction().execute(async (trx) => {
        const adminTrx = trx.$extendTables<{ export_jobs: ExportJobsTable }>();
        await insertUserRows(adminTrx, flag, accounts);
        // Documents first, then each owner's directory entry: the entry's seq is after its documents'.
        const first = await reserveSeqs(adminTrx, accounts.length * (newDocumentCollections.length + 1));
        let seq = first;
        const documents: NewDocumentRow[] = [];
        const changes: ChangeEvent[] = [];
        for (const account of accounts) {
          for (const collection of newDocumentCollections) {
            const data = account.documents[collection];
            if (data.id !== account.user.id)
              throw new Error(`${collection} document of ${account.user.id} has another id`);
            documents.push({ collection, id: account.user.id, seq, data: JSON.stringify(data) });
            changes.push({ collection, ownerId: account.user.id, seq });
            seq += 1;
          }
        }
        const directory = accounts.map((account) => ({ ownerId: account.user.id, seq: seq++ }));
        await insertDocumentRows(adminTrx, flag, documents);
        await upsertDirectoryRows(adminTrx, directory);
        await insertAuditRows(
          adminTrx,
          accounts.flatMap((account) => account.audit),
        );
        for (const entry of directory)
          changes.push({ collection: 'directory', ownerId: entry.ownerId, seq: entry.seq });
        await engine.publish(trx, changes);
        return changes;
      }),
    );
    engine.afterCommit(events);
  }

  async changeRole<T>(
    userId: string,
    role: Role,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T> {
    const { engine } = this.internals;
    const { result, events } = await this.internals.db.transaction().execute(async (trx) => {
      // The document lock first, as every document write takes it: one lock order, no deadlock.
      await engine.lockDocument(trx, 'accounts', userId);
      await updateRoleKeepingAnAdmin(
        trx.$extendTables<{ export_jobs: ExportJobsTable }>(),
        this.#dialect,
        userId,
        role,
      );
      return this.internals.writeInTransaction(trx, 'accounts', userId, decide);
    });
    engine.afterCommit(events);
    return result;
  }

  createExportJob(job: ExportJobRecord): Promise<void> {
    return insertExportJob(this.#db, job);
  }

  findExportJob(id: string): Promise<ExportJobRecord | undefined> {
    return selectExportJob(this.#db, id);
  }

  listExportJobs(limit: number): Promise<ExportJobRecord[]> {
    return selectExportJobs(this.#db, limit);
  }

  startExportJob(id: string, at: string): Promise<boolean> {
    return markExportStarted(this.#db, id, at);
  }

  recordExportProgress(id: string, done: number, lastUserId: string | null): Promise<void> {
    return updateExportProgress(this.#db, id, done, lastUserId);
  }

  finishExportJob(id: string, outcome: ExportJobOutcome): Promise<void> {
    return markExportFinished(this.#db, id, outcome);
  }

  listAuditEvents(
    filter: AuditFilter,
    before: AuditCursor | undefined,
    limit: number,
  ): Promise<AuditEventRecord[]> {
    return selectAuditEventsOfType(this.#db, filter, before, limit);
  }

  auditEventsOf(userId: string, after: AuditCursor | undefined, limit: number): Promise<AuditEventRecord[]> {
    return selectAuditEventsOfUser(this.#db, userId, after, limit);
  }

  /** A taken email in a batch is the caller's conflict, not a server fault. */
  async #mapConflict<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (this.internals.engine.isUniqueViolation(error)) {
        throw new AccordError('conflict', 'An account with this email address already exists.', 'email');
      }
      throw error;
    }
  }
}
