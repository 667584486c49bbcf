// The SyncStore contract, run alike against the SQLite and the PostgreSQL implementation.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccordError } from '#shared/errors';
import type { AnyDoc } from '#shared/policy/table';
import type { StoreErrorReporter } from './subscribers.ts';
import { openStore, SQLITE_FILE_NAME } from './open-store.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { ChangeEvent, StoredDoc, SyncedCollection, SyncStore, WriteDecision } from './store.ts';

const PG_ADMIN_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await withClient(PG_ADMIN_URL, (client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    return `${PG_ADMIN_URL} does not answer (${error instanceof Error ? error.message : String(error)})`;
  }
}

const pgSkipReason = await postgresUnavailable();
if (pgSkipReason !== undefined) {
  // In CI an unreachable database must fail the run, never pass it by skipping.
  if (process.env.CI) throw new Error(`PostgreSQL is required in CI: ${pgSkipReason}`);
  console.warn(`Skipping the PostgreSQL store suite: ${pgSkipReason}`);
}

/** One database per suite; each test starts from an empty one. */
interface TestDatabase {
  /** Empties the database (no tables, no migrations) for the next test. */
  reset(): Promise<void>;
  /** Opens one more store instance (as another process would) on this database. */
  open(onError: StoreErrorReporter): Promise<SyncStore>;
  drop(): Promise<void>;
  /** Kills the LISTEN connections, as a network failure or a server restart would. */
  dropListenerConnections?(): Promise<void>;
}

interface Backend {
  readonly dialect: SyncStore['dialect'];
  readonly skipReason: string | undefined;
  create(): Promise<TestDatabase>;
}

const sqliteBackend: Backend = {
  dialect: 'sqlite',
  skipReason: undefined,
  async create() {
    const dir = await mkdtemp(path.join(tmpdir(), 'accord-store-'));
    let file = '';
    let generation = 0;
    return {
      reset: () => {
        generation += 1;
        file = path.join(dir, `accord-${generation}.sqlite`);
        return Promise.resolve();
      },
      open: (onError) => openSqliteStore({ file, onError }),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

const postgresBackend: Backend = {
  dialect: 'postgres',
  skipReason: pgSkipReason,
  async create() {
    // CREATE DATABASE costs a few hundred milliseconds; emptying the schema costs a few.
    const name = `accord_store_${randomBytes(6).toString('hex')}`;
    await withClient(PG_ADMIN_URL, (client) => client.query(`create database ${name}`));
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      reset: async () => {
        await withClient(url.toString(), (client) =>
          client.query('drop schema public cascade; create schema public'),
        );
      },
      open: (onError) => openPostgresStore({ url: url.toString(), onError }),
      drop: async () => {
        await withClient(PG_ADMIN_URL, (client) =>
          client.query(`drop database if exists ${name} with (force)`),
        );
      },
      dropListenerConnections: async () => {
        await withClient(PG_ADMIN_URL, (client) =>
          client.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
              where datname = $1 and application_name = 'accord-listener'`,
            [name],
          ),
        );
      },
    };
  },
};

function doc(id: string, fields: Record<string, unknown> = {}): AnyDoc {
  return { id, clocks: {}, ...fields };
}

function put(ownerId: string, data: AnyDoc, touchDirectory?: string[]): WriteDecision<void> {
  return {
    write: { data, deleted: false, ownerId },
    result: undefined,
    ...(touchDirectory ? { touchDirectory } : {}),
  };
}

function write(store: SyncStore, collection: SyncedCollection, ownerId: string, data: AnyDoc): Promise<void> {
  return store.writeDocument(collection, data.id, () => put(ownerId, data));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each([sqliteBackend, postgresBackend])('$dialect store', (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(
    `contract (${backend.skipReason ?? 'database available'})`,
    () => {
      let database: TestDatabase;
      let opened: SyncStore[];
      let errors: unknown[];

      beforeAll(async () => {
        database = await backend.create();
      });

      afterAll(async () => {
        await database.drop();
      });

      beforeEach(async () => {
        await database.reset();
        opened = [];
        errors = [];
      });

      afterEach(async () => {
        await Promise.all(opened.map((store) => store.close()));
        expect(errors).toEqual([]);
      });

      async function open({ migrate = true } = {}): Promise<SyncStore> {
        const store = await database.open((error) => errors.push(error));
        opened.push(store);
        if (migrate) await store.migrate();
        return store;
      }

      function record(store: SyncStore): ChangeEvent[] {
        const events: ChangeEvent[] = [];
        store.subscribe((event) => events.push(event));
        return events;
      }

      /** Every event committed before this one has been delivered once it arrives. */
      async function flush(store: SyncStore, events: ChangeEvent[]): Promise<void> {
        const marker = `flush-${randomBytes(4).toString('hex')}`;
        await write(store, 'accounts', marker, doc(marker));
        await waitFor(() => events.some((event) => event.ownerId === marker), 'the flush marker');
      }

      it('migrates idempotently, also when instances migrate at the same time', async () => {
        const first = await open({ migrate: false });
        // better-sqlite3 blocks the thread while it waits for a lock, so two SQLite instances in one
        // process would wait on each other; a second process is the case, and PostgreSQL can show it.
        const second = backend.dialect === 'postgres' ? await open({ migrate: false }) : first;
        await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
        await first.migrate();
        expect(first.dialect).toBe(backend.dialect);
        expect(await first.latestSeq()).toBe(0);
        await first.ping();
        await write(second, 'profiles', 'u1', doc('u1', { displayName: 'Ada' }));
        expect((await first.getDocument('profiles', 'u1'))?.data).toEqual(doc('u1', { displayName: 'Ada' }));
      });

      it('round-trips a document and assigns strictly increasing sequences', async () => {
        const store = await open();
        const data = doc('u1', { displayName: 'Ada', links: [{ url: 'https://a.example' }], bio: null });
        await write(store, 'accounts', 'u1', data);
        const stored = await store.getDocument('accounts', 'u1');
        expect(stored).toEqual({
          collection: 'accounts',
          id: 'u1',
          ownerId: 'u1',
          seq: 1,
          deleted: false,
          data,
        });
        expect(await store.getDocument('profiles', 'u1')).toBeUndefined();

        await store.writeDocument('accounts', 'u1', () => ({
          write: { data, deleted: true, ownerId: 'u1' },
          result: undefined,
        }));
        await write(store, 'accounts', 'u2', doc('u2'));
        const tombstone = await store.getDocument('accounts', 'u1');
        const other = await store.getDocument('accounts', 'u2');
        expect(tombstone?.deleted).toBe(true);
        expect(tombstone?.seq).toBe(2);
        expect(other?.seq).toBe(3);
        expect(await store.latestSeq()).toBe(3);
      });

      it('pages through changes by checkpoint, returning each current document once', async () => {
        const store = await open();
        for (let i = 0; i < 12; i++)
          await write(store, 'accounts', 'owner', doc(`d${String(i).padStart(2, '0')}`));
        await write(store, 'accounts', 'someone-else', doc('x1'));
        await write(store, 'settings', 'owner', doc('owner'));
        for (const id of ['d03', 'd07']) await write(store, 'accounts', 'owner', doc(id, { edited: true }));

        const seen: StoredDoc[] = [];
        let since: { seq: number; id: string } | undefined;
        for (;;) {
          const page = await store.changesSince('accounts', 'owner', since, 5);
          expect(page.length).toBeLessThanOrEqual(5);
          if (page.length === 0) break;
          seen.push(...page);
          const last = page.at(-1);
          if (last === undefined) break;
          since = { seq: last.seq, id: last.id };
        }
        expect(seen.map((entry) => entry.id).sort()).toEqual(
          Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, '0')}`),
        );
        const seqs = seen.map((entry) => entry.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(seen.slice(-2).map((entry) => [entry.id, entry.data['edited']])).toEqual([
          ['d03', true],
          ['d07', true],
        ]);

        // A checkpoint at a seq with a smaller id still includes that seq's document.
        const [edited] = seen.slice(-1);
        const tie = await store.changesSince('accounts', 'owner', { seq: edited?.seq ?? 0, id: '' }, 10);
        expect(tie.map((entry) => entry.id)).toEqual(['d07']);
      });

      it('leaves document and sequence alone when decide writes nothing', async () => {
        const store = await open();
        await write(store, 'accounts', 'u1', doc('u1', { n: 1 }));
        const before = await store.getDocument('accounts', 'u1');
        const result = await store.writeDocument('accounts', 'u1', (current) => ({
          result: current?.data['n'],
        }));
        expect(result).toBe(1);
        expect(await store.getDocument('accounts', 'u1')).toEqual(before);
        expect(await store.latestSeq()).toBe(before?.seq);
      });

      it('loses no update when writes to one document run concurrently', async () => {
        const first = await open();
        // Two instances stand for two server processes; SQLite's case is one process (see above).
        const stores = backend.dialect === 'postgres' ? [first, await open()] : [first];
        const counters = ['c0', 'c1', 'c2', 'c3'];
        const increment = (store: SyncStore, id: string) =>
          store.writeDocument('accounts', id, (current) => {
            const next = Number(current?.data['count'] ?? 0) + 1;
            return { ...put('u1', doc(id, { count: next })), result: next };
          });
        // Every counter starts absent: the first writes race to create the row, the riskiest case.
        const writes = Array.from({ length: 20 }, (_, i) =>
          counters.map((id, j) => increment(stores[(i + j) % stores.length] ?? first, id)),
        ).flat();
        const results = await Promise.all(writes);
        expect([...results].sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => Array<number>(counters.length).fill(i + 1)).flat(),
        );
        for (const id of counters) expect((await first.getDocument('accounts', id))?.data['count']).toBe(20);
        expect(await first.latestSeq()).toBe(80);
      });

      it('never lets a pull skip a change that commits after its checkpoint', async () => {
        const first = await open();
        const stores = backend.dialect === 'postgres' ? [first, await open()] : [first];
        const ids = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(2, '0')}`);
        const seen: string[] = [];
        let since: { seq: number; id: string } | undefined;
        const pull = async () => {
          for (const entry of await first.changesSince('accounts', 'owner', since, 1_000)) {
            seen.push(entry.id);
            since = { seq: entry.seq, id: entry.id };
          }
        };
        let writing = true;
        const writes = Promise.all(
          ids.map((id, i) => write(stores[i % stores.length] ?? first, 'accounts', 'owner', doc(id))),
        );
        const puller = (async () => {
          while (writing) await pull();
        })();
        await writes;
        writing = false;
        await puller;
        await pull();
        expect([...seen].sort()).toEqual(ids);
      });

      it('writes nothing and notifies nobody when decide throws', async () => {
        const store = await open();
        const events = record(store);
        await write(store, 'profiles', 'u1', doc('u1', { displayName: 'Ada' }));
        const before = await store.latestSeq();
        await expect(
          store.writeDocument('profiles', 'u1', () => {
            throw new Error('rejected by policy');
          }),
        ).rejects.toThrow('rejected by policy');
        await expect(
          store.writeDocument('profiles', 'u1', () => put('u1', doc('someone-else'))),
        ).rejects.toThrow(/written with id/);
        expect(await store.latestSeq()).toBe(before);
        expect((await store.getDocument('profiles', 'u1'))?.data).toEqual(doc('u1', { displayName: 'Ada' }));
        await flush(store, events);
        expect(events.filter((event) => event.ownerId === 'u1')).toHaveLength(2);
      });

      it('touches the directory for profile and settings writes and for touchDirectory', async () => {
        const store = await open();
        await store.createUser({
          id: 'u1',
          email: 'u1@example.com',
          passwordHash: 'h',
          role: 'user',
          createdAt: '2024-05-01T10:00:00Z',
        });
        await write(store, 'profiles', 'u1', doc('u1', { displayName: 'Ada' }));
        await write(store, 'accounts', 'u2', doc('u2'));
        await write(store, 'settings', 'u3', doc('u3', { theme: 'dark' }));
        await store.writeDocument('accounts', 'u1', () => put('u1', doc('u1'), ['u4']));
        await store.writeDocument('accounts', 'u1', () => ({ touchDirectory: ['u5'], result: undefined }));

        const entries = await store.directorySince(undefined, 100);
        expect(entries.map((entry) => [entry.ownerId, entry.seq])).toEqual([
          ['u1', 2],
          ['u3', 5],
          ['u4', 7],
          ['u5', 8],
        ]);
        const [ada, u3] = entries;
        expect(ada?.profile?.data).toEqual(doc('u1', { displayName: 'Ada' }));
        expect(ada?.profile?.collection).toBe('profiles');
        expect(ada?.settings).toBeUndefined();
        expect(ada?.status).toBe('active');
        expect(u3?.profile).toBeUndefined();
        expect(u3?.settings?.data).toEqual(doc('u3', { theme: 'dark' }));
        expect(u3?.status).toBeUndefined();

        // A rewrite moves the owner to the end of the feed; paging resumes after the checkpoint.
        await write(store, 'settings', 'u1', doc('u1', { theme: 'light' }));
        const firstPage = await store.directorySince(undefined, 2);
        expect(firstPage.map((entry) => entry.ownerId)).toEqual(['u3', 'u4']);
        const rest = await store.directorySince({ seq: 7, id: 'u4' }, 10);
        expect(rest.map((entry) => [entry.ownerId, entry.seq])).toEqual([
          ['u5', 8],
          ['u1', 10],
        ]);
        expect(rest[1]?.settings?.data).toEqual(doc('u1', { theme: 'light' }));
        expect(rest[1]?.profile?.data).toEqual(doc('u1', { displayName: 'Ada' }));
      });

      it('tells subscribers about committed changes once, in sequence order', async () => {
        const store = await open();
        const events = record(store);
        const readsOnEvent: Promise<StoredDoc | undefined>[] = [];
        store.subscribe((event) => {
          if (event.collection === 'profiles')
            readsOnEvent.push(store.getDocument('profiles', event.ownerId));
        });
        const late: ChangeEvent[] = [];
        const unsubscribe = store.subscribe((event) => late.push(event));
        store.subscribe(() => {
          throw new Error('a broken listener');
        });
        await write(store, 'profiles', 'u1', doc('u1'));
        unsubscribe();
        await flush(store, events);
        expect(events.slice(0, 2)).toEqual([
          { collection: 'profiles', ownerId: 'u1', seq: 1 },
          { collection: 'directory', ownerId: 'u1', seq: 2 },
        ]);
        expect(events).toHaveLength(3);
        expect(late.filter((event) => event.ownerId === 'u1')).toEqual(late);
        // Listeners run after the commit: what they are told about is already readable.
        expect((await Promise.all(readsOnEvent)).map((stored) => stored?.seq)).toEqual([1]);
        // The broken listener was reported, and hurt neither the write nor the other listeners.
        expect(errors.length).toBeGreaterThan(0);
        errors.length = 0;
      });

      it('keeps data across close and reopen', async () => {
        const store = await open();
        await write(store, 'profiles', 'u1', doc('u1', { displayName: 'Ada' }));
        await store.createUser({
          id: 'u1',
          email: 'a@example.com',
          passwordHash: 'h',
          role: 'admin',
          createdAt: '2024-05-01T10:00:00Z',
        });
        await store.close();
        await store.close();

        const reopened = await open();
        expect((await reopened.getDocument('profiles', 'u1'))?.data).toEqual(
          doc('u1', { displayName: 'Ada' }),
        );
        expect((await reopened.findUser('u1'))?.role).toBe('admin');
        expect(await reopened.latestSeq()).toBe(2);
      });

      it('keeps users and sessions, matching email without regard to case', async () => {
        const store = await open();
        await store.createUser({
          id: 'u1',
          email: 'Ada@Example.com',
          passwordHash: 'hash',
          role: 'user',
          createdAt: '2024-05-01T10:00:00Z',
        });
        const found = await store.findUserByEmail('ADA@example.COM');
        expect(found).toEqual({
          id: 'u1',
          email: 'ada@example.com',
          role: 'user',
          status: 'active',
          createdAt: '2024-05-01T10:00:00.000Z',
          passwordHash: 'hash',
        });
        expect(await store.findUser('u1')).not.toHaveProperty('passwordHash');
        expect(await store.findUser('nobody')).toBeUndefined();
        expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
        const duplicate = store.createUser({
          id: 'u2',
          email: 'ada@EXAMPLE.com',
          passwordHash: 'h',
          role: 'user',
          createdAt: '2024-05-01T10:00:00Z',
        });
        await expect(duplicate).rejects.toBeInstanceOf(AccordError);
        await expect(duplicate).rejects.toMatchObject({ code: 'conflict', field: 'email' });

        const session = {
          id: 's1',
          userId: 'u1',
          tokenHash: 't1',
          createdAt: '2024-05-01T10:00:00Z',
          expiresAt: '2024-05-02T10:00:00Z',
        };
        await store.createSession(session);
        expect(await store.findSessionByTokenHash('t1')).toEqual({
          id: 's1',
          userId: 'u1',
          expiresAt: '2024-05-02T10:00:00.000Z',
        });
        await store.deleteSession('s1');
        expect(await store.findSessionByTokenHash('t1')).toBeUndefined();
        // Foreign keys are enforced (SQLite only does so when asked to).
        await expect(
          store.createSession({ ...session, id: 's2', tokenHash: 't2', userId: 'ghost' }),
        ).rejects.toThrow();
      });

      it.runIf(backend.dialect === 'postgres')(
        'delivers a write on one instance to subscribers of another',
        async () => {
          const writer = await open();
          const reader = await open();
          const seenByReader = record(reader);
          const seenByWriter = record(writer);
          await write(writer, 'profiles', 'u1', doc('u1'));
          await flush(writer, seenByReader);
          await flush(writer, seenByWriter);
          const expected = [
            { collection: 'profiles', ownerId: 'u1', seq: 1 },
            { collection: 'directory', ownerId: 'u1', seq: 2 },
          ];
          expect(seenByReader.slice(0, 2)).toEqual(expected);
          expect(seenByWriter.slice(0, 2)).toEqual(expected);
          expect(seenByWriter.filter((event) => event.ownerId === 'u1')).toHaveLength(2);
        },
      );

      it.runIf(backend.dialect === 'postgres')(
        'replays changes committed while its listener was disconnected',
        async () => {
          const writer = await open();
          const reader = await open();
          const events = record(reader);
          await database.dropListenerConnections?.();
          await write(writer, 'settings', 'u1', doc('u1'));
          await waitFor(() => events.some((event) => event.collection === 'settings'), 'the replayed change');
          await flush(writer, events);
          expect(events.filter((event) => event.ownerId === 'u1')).toEqual([
            { collection: 'settings', ownerId: 'u1', seq: 1 },
            { collection: 'directory', ownerId: 'u1', seq: 2 },
          ]);
          // The dropped connections were reported; nothing else was.
          expect(errors.every((error) => error instanceof Error)).toBe(true);
          errors.length = 0;
        },
      );
    },
  );
});

describe('openStore', () => {
  it('opens SQLite in the data directory, creating it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'accord-open-'));
    const dataDir = path.join(root, 'nested', 'data');
    try {
      const store = await openStore({ dataDir });
      await store.migrate();
      await store.close();
      expect(store.dialect).toBe('sqlite');
      expect((await stat(path.join(dataDir, SQLITE_FILE_NAME))).isFile()).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it.runIf(pgSkipReason === undefined)('opens PostgreSQL for a postgres URL', async () => {
    const store = await openStore({
      dataDir: tmpdir(),
      databaseUrl: PG_ADMIN_URL.replace(/^postgres:/, 'postgresql:'),
    });
    try {
      expect(store.dialect).toBe('postgres');
    } finally {
      await store.close();
    }
  });
});
