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
  type SqliteDatabase,
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

/** Prepared statements kept per connection; Kysely's few query shapes fit many times over. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; preparing costs more than running most of ours (measured with
 * bench/push-throughput.ts: about a tenth of a push's server time). The same SQL text reuses its
 * statement, least recently used first out. A statement still iterating (a streamed query) is
 * busy and cannot run twice at once, so such a call gets a fresh one.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) {
        // Re-inserted: Map order is the recency order.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached === undefined) {
        statements.set(sql, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
      }
      return statement;
    },
  };
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
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  });
  return Promise.resolve(new KyselyStore(db, engine));
}
