// The PostgreSQL store: a pg pool for queries and a LISTEN connection that carries every process's
// committed changes to this process's subscribers.
import { DatabaseError, Pool, type PoolClient } from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Subscribers, reportToStderr, type StoreErrorReporter } from './subscribers.ts';
import { KyselyStore, type StoreDialect } from './kysely-store.ts';
import { ChangeListener, type ChangeSource } from './pg-listener.ts';
import { ChangeEventSchema, toSeq } from './rows.ts';
import { CHANGES_COUNTER, type Database } from './schema.ts';
import type { ChangeEvent, SyncStore } from './store.ts';

export interface PostgresStoreOptions {
  readonly url: string;
  readonly onError?: StoreErrorReporter;
}

const CHANGES_CHANNEL = 'accord_changes';
/** Arbitrary 64-bit key held around migrate(); any constant unused by other advisory locks. */
const MIGRATION_LOCK_KEY = 7_104_237_881_105_123n;
/** Namespace of per-document locks; the two-int advisory lock space never meets the 64-bit one. */
const DOCUMENT_LOCK_CLASS = 0x41_43_44_4f;
const UNIQUE_VIOLATION = '23505';
const UNDEFINED_TABLE = '42P01';

export async function openPostgresStore(options: PostgresStoreOptions): Promise<SyncStore> {
  const onError = options.onError ?? reportToStderr;
  const pool = new Pool({ connectionString: options.url, application_name: 'accord' });
  // An idle pooled connection that dies emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => {
    onError(error, 'idle PostgreSQL connection failed');
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const subscribers = new Subscribers(onError);
  const listener = new ChangeListener({
    url: options.url,
    channel: CHANGES_CHANNEL,
    source: changeSource(db),
    subscribers,
    onError,
  });
  // pool.end() resolves before its sockets close; waiting for each lets close() mean closed.
  const openClients = new Set<PoolClient>();
  pool.on('connect', (client) => {
    openClients.add(client);
    client.once('end', () => openClients.delete(client));
  });
  const endPool = async () => {
    // Kysely ends the pool only if it ran a query; end() twice throws.
    if (!pool.ended) await pool.end();
    await Promise.all(
      [...openClients].map((client) => new Promise((resolve) => client.once('end', resolve))),
    );
  };
  try {
    await listener.start();
  } catch (error) {
    await db.destroy();
    await endPool();
    throw error;
  }

  const engine: StoreDialect = {
    name: 'postgres',
    flag: (value) => value,
    lockDocument: async (trx, collection, id) => {
      // FOR UPDATE cannot lock a row that does not exist yet; without this, two first writes of one
      // document would both see "no document" and the later would overwrite the earlier.
      await sql`select pg_advisory_xact_lock(${DOCUMENT_LOCK_CLASS}, hashtext(${`${collection}/${id}`}))`.execute(
        trx,
      );
    },
    publish: async (trx, events) => {
      if (events.length === 0) return;
      // Delivered to every listener, this process's included, only when the transaction commits.
      const payloads = events.map((event) => JSON.stringify(event));
      await sql`select pg_notify(${CHANGES_CHANNEL}, payload) from unnest(${payloads}::text[]) as payload`.execute(
        trx,
      );
    },
    // This process hears its own writes through LISTEN like any other's, once.
    afterCommit: () => undefined,
    withMigrationLock: (db, migrate) =>
      db.connection().execute(async (connection) => {
        await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
        try {
          await migrate(connection);
        } finally {
          await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
        }
      }),
    subscribe: (listener) => subscribers.subscribe(listener),
    isUniqueViolation: (error) => error instanceof DatabaseError && error.code === UNIQUE_VIOLATION,
    close: () => listener.close(),
    afterDestroy: endPool,
  };
  return new KyselyStore(db, engine);
}

function changeSource(db: Kysely<Database>): ChangeSource {
  return {
    async head() {
      try {
        const row = await db
          .selectFrom('counters')
          .select('value')
          .where('name', '=', CHANGES_COUNTER)
          .executeTakeFirst();
        return row === undefined ? 0 : toSeq(row.value);
      } catch (error) {
        // Opened before the first migrate(): every change to come is after 0.
        if (error instanceof DatabaseError && error.code === UNDEFINED_TABLE) return 0;
        throw error;
      }
    },
    async changesAfter(seq) {
      // One statement, so one snapshot: it holds every commit up to the highest seq it returns.
      const { rows } = await sql<{ collection: string; ownerId: string; seq: string | number }>`
        select collection, owner_id as "ownerId", max(seq) as seq
          from documents where seq > ${seq} group by collection, owner_id
        union all
        select 'directory', owner_id, seq from directory_feed where seq > ${seq}
        order by seq`.execute(db);
      return rows.map((row): ChangeEvent =>
        ChangeEventSchema.parse({ collection: row.collection, ownerId: row.ownerId, seq: toSeq(row.seq) }),
      );
    },
  };
}
