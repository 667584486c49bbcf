// The SyncStore contract, run alike against the SQLite and the PostgreSQL implementation.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { Client, Pool } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccordError } from '#shared/errors';
import type { AnyDoc } from '#shared/policy/table';
import type { StoreErrorReporter } from './subscribers.ts';
import { migrationsFor } from './migrations/index.ts';
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
  /** A plain Kysely connection, for building the schema of an older version by hand. */
  raw(): Kysely<unknown>;
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
      raw: () => new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) }),
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
      raw: () =>
        new Kysely<unknown>({
          dialect: new PostgresDialect({ pool: new Pool({ connectionString: url.toString() }) }),
        }),
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

function createUser(store: SyncStore, id: string): Promise<void> {
  return store.createUser({
    id,
    email: `${id}@example.com`,
    passwordHash: 'h',
    role: 'user',
    createdAt: '2024-05-01T10:00:00Z',
  });
}

function session(id: string, userId: string) {
  return {
    id,
    userId,
    deviceName: 'laptop',
    createdAt: '2024-05-01T10:00:00Z',
    expiresAt: '2024-05-31T10:00:00Z',
    ip: '192.0.2.1',
    userAgent: 'tests',
  };
}

function token(tokenHash: string, sessionId: string, kind: 'access' | 'refresh') {
  return {
    tokenHash,
    sessionId,
    kind,
    createdAt: '2024-05-01T10:00:00Z',
    expiresAt: kind === 'access' ? '2024-05-01T10:15:00Z' : '2024-05-15T10:00:00Z',
  };
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
          emailVerified: true,
        });
        // An account whose address is not confirmed yet has no status in the directory (hidden).
        await createUser(store, 'u2');
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

        await store.writeDocument('accounts', 'u2', () => ({ touchDirectory: ['u2'], result: undefined }));
        const unverified = (await store.directorySince(undefined, 100)).find(
          (entry) => entry.ownerId === 'u2',
        );
        expect(unverified?.status).toBeUndefined();
        await store.updateUser('u2', { emailVerified: true });
        expect(
          (await store.directorySince(undefined, 100)).find((entry) => entry.ownerId === 'u2')?.status,
        ).toBe('active');
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

      it('upgrades a 0001 database: accounts stay usable, old single-token sessions end', async () => {
        const raw = database.raw();
        const migrator = new Migrator({ db: raw, provider: migrationsFor(backend.dialect) });
        expect((await migrator.migrateTo('0001-initial')).error).toBeUndefined();
        await sql`insert into users (id, email, password_hash, role, status, created_at)
                  values ('u1', 'old@example.com', 'h', 'user', 'active', '2024-05-01T10:00:00.000Z')`.execute(
          raw,
        );
        await sql`insert into sessions (id, user_id, token_hash, created_at, expires_at)
                  values ('s1', 'u1', 't1', '2024-05-01T10:00:00.000Z', '2024-06-01T10:00:00.000Z')`.execute(
          raw,
        );
        await raw.destroy();

        const store = await open();
        expect(await store.findUser('u1')).toMatchObject({ email: 'old@example.com', emailVerified: true });
        expect(await store.findSession('s1')).toBeUndefined();
        // And back down and up again, for a rollback.
        const again = database.raw();
        const back = new Migrator({ db: again, provider: migrationsFor(backend.dialect) });
        expect((await back.migrateTo('0001-initial')).error).toBeUndefined();
        expect((await back.migrateToLatest()).error).toBeUndefined();
        await again.destroy();
        expect(await store.findUser('u1')).toMatchObject({ email: 'old@example.com' });
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
          emailVerified: false,
          pendingEmail: null,
          twoFactorEnabled: false,
          deletionDueAt: null,
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

        await store.createSession(session('s1', 'u1'), [
          token('a1', 's1', 'access'),
          token('r1', 's1', 'refresh'),
        ]);
        expect(await store.findSessionByToken('a1', 'access')).toMatchObject({
          session: { id: 's1', userId: 'u1', deviceName: 'laptop', revokedAt: null },
          tokenExpiresAt: '2024-05-01T10:15:00.000Z',
        });
        // A refresh token is not an access token.
        expect(await store.findSessionByToken('r1', 'access')).toBeUndefined();
        expect(await store.findSessionByToken('r1', 'refresh')).toMatchObject({ session: { id: 's1' } });
        // Foreign keys are enforced (SQLite only does so when asked to).
        await expect(store.createSession(session('s2', 'ghost'), [])).rejects.toThrow();
      });

      it('rotates a refresh token once and tells a reuse apart from an unknown token', async () => {
        const store = await open();
        await createUser(store, 'u1');
        await store.createSession(session('s1', 'u1'), [token('r1', 's1', 'refresh')]);
        const uses = await Promise.all([
          store.useRefreshToken('r1', '2024-05-01T10:05:00Z'),
          store.useRefreshToken('r1', '2024-05-01T10:05:00Z'),
        ]);
        expect(uses.map((use) => use.outcome).sort()).toEqual(['fresh', 'reused']);
        expect(await store.useRefreshToken('r1', '2024-05-01T10:06:00Z')).toMatchObject({
          outcome: 'reused',
          session: { id: 's1' },
        });
        expect(await store.useRefreshToken('nope', '2024-05-01T10:06:00Z')).toEqual({ outcome: 'unknown' });
        expect(await store.useRefreshToken('a-missing-access', '2024-05-01T10:06:00Z')).toEqual({
          outcome: 'unknown',
        });
      });

      it('revokes one, all others or all sessions, and lists only live ones', async () => {
        const store = await open();
        await createUser(store, 'u1');
        await createUser(store, 'u2');
        for (const id of ['s1', 's2', 's3']) await store.createSession(session(id, 'u1'), []);
        await store.createSession(session('x1', 'u2'), []);
        const now = '2024-05-01T11:00:00.000Z';
        expect((await store.listSessions('u1', now)).map((s) => s.id).sort()).toEqual(['s1', 's2', 's3']);
        expect(await store.revokeSessions({ userId: 'u1', sessionId: 'x1' }, now, 'test')).toEqual([]);
        expect(await store.revokeSessions({ userId: 'u1', sessionId: 's1' }, now, 'test')).toEqual(['s1']);
        expect(await store.revokeSessions({ userId: 'u1', exceptSessionId: 's2' }, now, 'test')).toEqual([
          's3',
        ]);
        expect((await store.listSessions('u1', now)).map((s) => s.id)).toEqual(['s2']);
        expect((await store.findSession('s1'))?.revokedAt).toBe(now);
        expect(await store.revokeSessions({ userId: 'u1' }, now, 'test')).toEqual(['s2']);
        expect(await store.listSessions('u2', now)).toHaveLength(1);
        // Past its absolute end a session is no longer listed, and housekeeping removes it later.
        expect(await store.listSessions('u2', '2024-06-01T00:00:00.000Z')).toEqual([]);
        expect(await store.deleteStaleSessions('2024-06-01T00:00:00.000Z')).toBeGreaterThan(0);
        expect(await store.findSession('x1')).toBeUndefined();
      });

      it('uses a verification code up once, counting wrong guesses and honouring expiry', async () => {
        const store = await open();
        await createUser(store, 'u1');
        const code = {
          userId: 'u1',
          purpose: 'verify-email' as const,
          codeHash: 'right',
          targetEmail: null,
          createdAt: '2024-05-01T10:00:00Z',
          expiresAt: '2024-05-01T10:10:00Z',
          attempts: 0,
          consumedAt: null,
          sendCount: 1,
          sendWindowStartedAt: '2024-05-01T10:00:00Z',
        };
        await store.putVerificationCode(code);
        const at = '2024-05-01T10:01:00Z';
        expect(await store.consumeVerificationCode('u1', 'verify-email', 'wrong', at, 3)).toEqual({
          ok: false,
          reason: 'wrong',
        });
        expect((await store.getVerificationCode('u1', 'verify-email'))?.attempts).toBe(1);
        const both = await Promise.all([
          store.consumeVerificationCode('u1', 'verify-email', 'right', at, 3),
          store.consumeVerificationCode('u1', 'verify-email', 'right', at, 3),
        ]);
        expect(both).toContainEqual({ ok: true, targetEmail: null });
        expect(both).toContainEqual({ ok: false, reason: 'used' });
        expect(await store.consumeVerificationCode('u1', 'reset-password', 'right', at, 3)).toEqual({
          ok: false,
          reason: 'missing',
        });
        await store.putVerificationCode({ ...code, purpose: 'change-email', targetEmail: 'new@example.com' });
        expect(
          await store.consumeVerificationCode('u1', 'change-email', 'right', '2024-05-01T10:10:00Z', 3),
        ).toEqual({ ok: false, reason: 'expired' });
        await store.putVerificationCode({ ...code, purpose: 'reset-password', attempts: 3 });
        expect(await store.consumeVerificationCode('u1', 'reset-password', 'right', at, 3)).toEqual({
          ok: false,
          reason: 'exhausted',
        });
      });

      it('updates the user row and the account document in one transaction', async () => {
        const store = await open();
        await createUser(store, 'u1');
        await createUser(store, 'u2');
        const events = record(store);
        const writeDoc = (email: string) => () => ({
          write: { data: doc('u1', { email }), deleted: false, ownerId: 'u1' },
          touchDirectory: ['u1'],
          result: 'written',
        });
        expect(
          await store.updateAccount('u1', { email: 'New@Example.com', emailVerified: true }, writeDoc('new')),
        ).toBe('written');
        expect(await store.findUser('u1')).toMatchObject({ email: 'new@example.com', emailVerified: true });
        expect((await store.getDocument('accounts', 'u1'))?.data).toEqual(doc('u1', { email: 'new' }));
        // A taken address rolls both back.
        await expect(
          store.updateAccount('u1', { email: 'u2@example.com' }, writeDoc('taken')),
        ).rejects.toMatchObject({
          code: 'conflict',
        });
        expect((await store.findUser('u1'))?.email).toBe('new@example.com');
        expect((await store.getDocument('accounts', 'u1'))?.data).toEqual(doc('u1', { email: 'new' }));
        await expect(store.updateAccount('ghost', {}, writeDoc('x'))).rejects.toMatchObject({
          code: 'not_found',
        });
        await flush(store, events);
        expect(events.filter((event) => event.ownerId === 'u1').map((event) => event.collection)).toEqual([
          'accounts',
          'directory',
        ]);
        // Secrets stay in the row: TOTP steps only move forward.
        await store.updateUser('u1', { totpSecret: 'SECRET', totpLastStep: 10 });
        expect(await store.recordTotpStep('u1', 10)).toBe(false);
        expect(await store.recordTotpStep('u1', 11)).toBe(true);
        expect(await store.findUserSecrets('u1')).toMatchObject({ totpSecret: 'SECRET', totpLastStep: 11 });
        expect((await store.findUser('u1'))?.twoFactorEnabled).toBe(true);
      });

      it('counts throttle hits in windows and locks a key once', async () => {
        const store = await open();
        const hits = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.countThrottleHit('k', '2024-05-01T10:00:00Z', '2024-05-01T09:45:00Z'),
          ),
        );
        expect(hits.map((hit) => hit.hits).sort()).toEqual([1, 2, 3, 4, 5]);
        const locks = await Promise.all([
          store.lockThrottle('k', '2024-05-01T10:15:00Z', '2024-05-01T10:00:00Z'),
          store.lockThrottle('k', '2024-05-01T10:15:00Z', '2024-05-01T10:00:00Z'),
        ]);
        expect(locks.sort()).toEqual([false, true]);
        expect(await store.getThrottle('k')).toMatchObject({
          hits: 5,
          lockedUntil: '2024-05-01T10:15:00.000Z',
        });
        // A hit after the window restarts the count.
        expect(
          await store.countThrottleHit('k', '2024-05-01T10:20:00Z', '2024-05-01T10:05:00Z'),
        ).toMatchObject({
          hits: 1,
          windowStartedAt: '2024-05-01T10:20:00.000Z',
        });
        await store.clearThrottle('k');
        expect(await store.getThrottle('k')).toBeUndefined();
      });

      it('purges a user with everything that hangs off it, keeping tombstones and a receipt', async () => {
        const store = await open();
        await createUser(store, 'u1');
        await store.createSession(session('s1', 'u1'), [token('a1', 's1', 'access')]);
        await store.replaceRecoveryCodes('u1', [{ id: 'rc1', codeHash: 'h' }], '2024-05-01T10:00:00Z');
        await store.createAccessToken({
          id: 't1',
          userId: 'u1',
          name: 'ci',
          scopes: ['profile:read'],
          createdAt: '2024-05-01T10:00:00Z',
          lastUsedAt: null,
          tokenHash: 'th',
        });
        const event = {
          userId: 'u1',
          type: 'sign_in_succeeded',
          at: '2024-05-01T10:00:00Z',
          actorId: 'u1',
          ip: '192.0.2.1',
          userAgent: 'x',
          detail: null,
        };
        await store.appendAuditEvent({ id: 'e1', ...event });
        await store.countThrottleHit('signin:u1', '2024-05-01T10:00:00Z', '2024-05-01T09:00:00Z');
        await store.writeDocument('profiles', 'u1', () => ({
          write: { data: doc('u1'), deleted: true, ownerId: 'u1' },
          result: undefined,
        }));
        const receipt = {
          ...event,
          id: 'e2',
          type: 'account_purged',
          actorId: null,
          ip: null,
          userAgent: null,
        };
        // Only accounts pending deletion are purged.
        expect(await store.purgeUser('u1', receipt, ['signin:u1'])).toBe(false);
        await store.updateUser('u1', { status: 'pending-deletion', deletionDueAt: '2024-05-02T00:00:00Z' });
        expect(await store.listUsersDueForPurge('2024-05-01T23:59:59Z', 10)).toEqual([]);
        expect(await store.listUsersDueForPurge('2024-05-02T00:00:00Z', 10)).toEqual(['u1']);
        expect(await store.purgeUser('u1', receipt, ['signin:u1'])).toBe(true);
        expect(await store.purgeUser('u1', receipt, ['signin:u1'])).toBe(false);
        expect(await store.findUser('u1')).toBeUndefined();
        expect(await store.findSession('s1')).toBeUndefined();
        expect(await store.listRecoveryCodes('u1')).toEqual([]);
        expect(await store.findAccessTokenByHash('th')).toBeUndefined();
        expect(await store.getThrottle('signin:u1')).toBeUndefined();
        expect(await store.listAuditEvents('u1', undefined, 10)).toEqual([
          { ...receipt, at: '2024-05-01T10:00:00.000Z' },
        ]);
        expect((await store.getDocument('profiles', 'u1'))?.deleted).toBe(true);
      });

      it('keeps challenges, recovery codes, audit events and access tokens', async () => {
        const store = await open();
        await createUser(store, 'u1');
        await store.createChallenge({
          tokenHash: 'c1',
          userId: 'u1',
          purpose: 'second-factor',
          createdAt: '2024-05-01T10:00:00Z',
          expiresAt: '2024-05-01T10:05:00Z',
          usedAt: null,
          attempts: 0,
          data: '{"deviceName":"laptop"}',
        });
        expect(await store.countChallengeFailure('c1')).toBe(1);
        expect(
          await Promise.all([
            store.consumeChallenge('c1', 'now'.replace('now', '2024-05-01T10:01:00Z')),
            store.consumeChallenge('c1', '2024-05-01T10:01:00Z'),
          ]),
        ).toContain(false);
        expect(await store.findChallenge('c1')).toMatchObject({
          purpose: 'second-factor',
          attempts: 1,
          usedAt: '2024-05-01T10:01:00.000Z',
        });
        expect(await store.deleteExpiredChallenges('2024-05-01T10:06:00Z')).toBe(1);

        await store.replaceRecoveryCodes(
          'u1',
          [
            { id: 'a', codeHash: 'ha' },
            { id: 'b', codeHash: 'hb' },
          ],
          '2024-05-01T10:00:00Z',
        );
        expect(
          await Promise.all([
            store.useRecoveryCode('a', '2024-05-01T10:01:00Z'),
            store.useRecoveryCode('a', '2024-05-01T10:01:00Z'),
          ]),
        ).toContain(false);
        expect((await store.listRecoveryCodes('u1')).map((code) => [code.id, code.usedAt !== null])).toEqual([
          ['a', true],
          ['b', false],
        ]);

        for (const [id, at] of [
          ['e1', '2024-05-01T10:00:00Z'],
          ['e2', '2024-05-01T11:00:00Z'],
          ['e3', '2024-05-01T12:00:00Z'],
        ] as const) {
          await store.appendAuditEvent({
            id,
            userId: 'u1',
            type: 'signed_out',
            at,
            actorId: 'u1',
            ip: null,
            userAgent: null,
            detail: null,
          });
        }
        expect((await store.listAuditEvents('u1', undefined, 2)).map((event) => event.id)).toEqual([
          'e3',
          'e2',
        ]);
        expect(
          (await store.listAuditEvents('u1', '2024-05-01T11:00:00Z', 10)).map((event) => event.id),
        ).toEqual(['e1']);

        const pat = {
          id: 't1',
          userId: 'u1',
          name: 'ci',
          scopes: ['profile:read', 'directory:read'] as const,
          createdAt: '2024-05-01T10:00:00Z',
          lastUsedAt: null,
        };
        await store.createAccessToken({ ...pat, scopes: [...pat.scopes], tokenHash: 'th' });
        expect(await store.findAccessTokenByHash('th')).toMatchObject({
          id: 't1',
          scopes: ['profile:read', 'directory:read'],
        });
        expect(await store.touchAccessToken('t1', '2024-05-01T10:05:00Z', '2024-05-01T10:04:00Z')).toBe(true);
        expect(await store.touchAccessToken('t1', '2024-05-01T10:05:30Z', '2024-05-01T10:04:30Z')).toBe(
          false,
        );
        expect((await store.listAccessTokens('u1'))[0]?.lastUsedAt).toBe('2024-05-01T10:05:00.000Z');
        expect(await store.revokeAccessToken('someone-else', 't1', '2024-05-01T10:06:00Z')).toBe(false);
        expect(await store.revokeAccessToken('u1', 't1', '2024-05-01T10:06:00Z')).toBe(true);
        expect(await store.findAccessTokenByHash('th')).toBeUndefined();
        expect(await store.listAccessTokens('u1')).toEqual([]);
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
