// The embedded SQLite store: one better-sqlite3 connection in WAL mode, events fanned out in-process.
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import { Subscribers, reportToStderr, type StoreErrorReporter } from './subscribers.ts';
import { KyselyStore, type StoreDialect } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { SyncStore } from './store.ts';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly onError?: StoreErrorReporter;
}

/** How long a statement waits for another process's lock on the file before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Takes the write lock when a transaction begins: a deferred transaction that reads and then writes
 * fails with SQLITE_BUSY, without waiting, when another process wrote in between.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite does run DDL inside transactions; saying so makes Kysely's migrator apply each batch
 * atomically, under the write lock that also keeps a second process from migrating at once.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export function openSqliteStore(options: SqliteStoreOptions): Promise<SyncStore> {
  const database = new BetterSqlite3(options.file);
  try {
    const journalMode: unknown = database.pragma('journal_mode = WAL', { simple: true });
    if (journalMode !== 'wal')
      throw new Error(`SQLite refused WAL mode for ${options.file} (got ${String(journalMode)})`);
    // FULL: a transaction reported committed survives power loss, which acknowledged pushes rely on (I2).
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    database.close();
    throw error;
  }

  const subscribers = new Subscribers(options.onError ?? reportToStderr);
  const engine: StoreDialect = {
    name: 'sqlite',
    flag: (value) => (value ? 1 : 0),
    // BEGIN IMMEDIATE already holds the database's single write lock, and Kysely runs one
    // transaction at a time on the one connection.
    lockDocument: () => Promise.resolve(),
    publish: () => Promise.resolve(),
    afterCommit: (events) => {
      for (const event of events) subscribers.emit(event);
    },
    // The migrator's BEGIN IMMEDIATE transaction is the lock (see TransactionalDdlSqliteAdapter).
    withMigrationLock: (db, migrate) => migrate(db),
    subscribe: (listener) => subscribers.subscribe(listener),
    isUniqueViolation: (error) =>
      error instanceof BetterSqlite3.SqliteError &&
      (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    close: () => Promise.resolve(),
    afterDestroy: () => {
      if (database.open) database.close();
      return Promise.resolve();
    },
  };
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) });
  return Promise.resolve(new KyselyStore(db, engine));
}
