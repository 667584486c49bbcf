// Fast fixtures for the benchmarks: thousands of realistic accounts written straight into a migrated
// database in a few large transactions. Building them one by one through the server would take
// longer than the benchmarks themselves; what the benchmarks measure starts after seeding.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type Insertable } from 'kysely';
import { formatHlc } from '#shared/hlc';
import { documentSchemas, newDocument, type AnyDoc, type EntityName } from '#shared/policy/table';
import { DEFAULT_ACCOUNT_LIMITS } from '../sync-server/accounts/limits.ts';
import { startSession } from '../sync-server/accounts/sessions.ts';
import { openStore, SQLITE_FILE_NAME } from '../sync-server/storage/open-store.ts';
import {
  CHANGES_COUNTER,
  type Database,
  type DocumentsTable,
  type UsersTable,
} from '../sync-server/storage/schema.ts';
import { createDatabase } from './postgres.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A fresh, migrated database: a temp folder with the SQLite file, or a new PostgreSQL database. */
export interface BenchDatabase {
  readonly dialect: Dialect;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Our own connection for seeding and baselines (the server under test opens its own). */
  connect(): Kysely<Database>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'accord-bench-'));
  const pgDatabase = dialect === 'postgres' ? await createDatabase() : undefined;
  const databaseUrl = pgDatabase?.url;
  const store = await openStore({ dataDir, databaseUrl });
  await store.migrate();
  await store.close();
  return {
    dialect,
    dataDir,
    databaseUrl,
    connect: () =>
      databaseUrl === undefined
        ? new Kysely<Database>({
            dialect: new SqliteDialect({ database: new BetterSqlite3(path.join(dataDir, SQLITE_FILE_NAME)) }),
          })
        : new Kysely<Database>({
            dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }),
          }),
    drop: async () => {
      await pgDatabase?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A UUID (version 4 layout) that sorts by `index`, so keyset order equals creation order. */
export function userIdFor(index: number, salt = 0): string {
  const hex = index.toString(16).padStart(12, '0');
  const tail = salt.toString(16).padStart(4, '0').slice(-4);
  return `00000000-${tail}-4000-8000-${hex}`;
}

export interface SeedUser {
  readonly userId: string;
  readonly email: string;
  /** Bearer token of a session created for the user (only when sessions were asked for). */
  readonly token: string | undefined;
}

export interface SeedOptions {
  readonly count: number;
  /** Create a session (access token) for the first `sessions` users. */
  readonly sessions?: number;
  /** Distinguishes several seeded batches in one database. */
  readonly salt?: number;
  /** The stored password hash of every seeded user (default: one no password matches). */
  readonly passwordHash?: string;
  /** Called after each chunk with how many users are written (seeding 100,000 takes a while). */
  readonly onProgress?: (written: number) => void;
}

const CHUNK = 500;
const PHYSICAL_START = Date.UTC(2026, 0, 1);
/** New documents built once and copied per user (building each through zod would dominate seeding). */
const TEMPLATE_ID = userIdFor(0, 0xffff);
const templates = {
  profile: newDocument('profile', TEMPLATE_ID),
  settings: newDocument('settings', TEMPLATE_ID),
  account: newDocument('account', TEMPLATE_ID),
};

/** A profile as people fill it in: name, headline, a paragraph of bio, a link, a phone kept private. */
export function profileFor(index: number, userId: string): AnyDoc {
  const at = (n: number) => formatHlc({ wall: PHYSICAL_START + index, counter: n, node: 'seed' });
  const doc = {
    ...templates.profile,
    id: userId,
    displayName: `Person ${index}`,
    pronouns: index % 3 === 0 ? 'she/her' : index % 3 === 1 ? 'he/him' : 'they/them',
    headline: `Engineer #${index} at Example Corp`,
    bio: `Hello, I am person ${index}. I work on local-first software, enjoy hiking and write about data that belongs to the people it describes.`,
    locale: 'en-GB',
    timeZone: 'Europe/Berlin',
    links: [
      {
        id: 'site',
        at: at(5),
        removed: false,
        value: { label: 'Site', url: `https://example.org/p/${index}` },
      },
    ],
    phones: [
      {
        id: 'mobile',
        at: at(6),
        removed: false,
        value: { number: '+4930123456', label: 'Mobile', verified: false },
      },
    ],
    legalName: `Person Number ${index}`,
    clocks: {
      displayName: at(0),
      pronouns: at(1),
      headline: at(2),
      bio: at(3),
      locale: at(4),
      timeZone: at(4),
      links: at(5),
      phones: at(6),
      legalName: at(7),
    },
  };
  return doc;
}

function settingsFor(index: number, userId: string): AnyDoc {
  const doc = { ...templates.settings, id: userId };
  // Every tenth person shares their legal name with everyone; the rest keep the defaults.
  if (index % 10 !== 0) return doc;
  return {
    ...doc,
    visibility: { legalName: 'public' },
    clocks: { visibility: formatHlc({ wall: PHYSICAL_START + index, counter: 9, node: 'seed' }) },
  };
}

function accountFor(index: number, userId: string, email: string, createdAt: string): AnyDoc {
  const at = formatHlc({ wall: PHYSICAL_START + index, counter: 0, node: 'server_seed' });
  return {
    ...templates.account,
    id: userId,
    email,
    emailVerified: true,
    role: 'user',
    status: 'active',
    createdAt,
    clocks: { email: at, emailVerified: at, role: at, status: at, createdAt: at },
  };
}

/** Parses one generated document of each kind, so a seed that drifts from the schemas fails loudly. */
function checkAgainstSchemas(docs: Readonly<Record<EntityName, AnyDoc>>): void {
  for (const [entity, doc] of Object.entries(docs) as [EntityName, AnyDoc][]) {
    documentSchemas[entity].parse(doc);
  }
}

/**
 * Writes `count` accounts: user row, profile, settings and account documents, directory feed entry,
 * and optionally a session. Sequences continue from the database's change counter.
 */
export async function seedUsers(database: BenchDatabase, options: SeedOptions): Promise<SeedUser[]> {
  const db = database.connect();
  let users: SeedUser[];
  try {
    users = await seedWith(db, database.dialect, options);
  } finally {
    await db.destroy();
  }
  const sessions = Math.min(options.sessions ?? 0, users.length);
  if (sessions === 0) return users;
  // Sessions go through the server's own code, so they match however it stores and checks them.
  const store = await openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl });
  try {
    const deps = { store, now: Date.now, limits: DEFAULT_ACCOUNT_LIMITS };
    const meta = { ip: '127.0.0.1', userAgent: 'accord-bench' };
    for (let i = 0; i < sessions; i++) {
      const user = users[i];
      if (user === undefined) break;
      const tokens = await startSession(deps, user.userId, 'benchmark device', meta);
      users[i] = { ...user, token: tokens.accessToken };
    }
  } finally {
    await store.close();
  }
  return users;
}

async function seedWith(db: Kysely<Database>, dialect: Dialect, options: SeedOptions): Promise<SeedUser[]> {
  const salt = options.salt ?? 0;
  const createdAt = new Date(PHYSICAL_START).toISOString();
  const counter = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', CHANGES_COUNTER)
    .executeTakeFirstOrThrow();
  let seq = Number(counter.value);
  const users: SeedUser[] = [];
  // better-sqlite3 binds no booleans.
  const flag = (value: boolean) => (dialect === 'postgres' ? value : Number(value));

  for (let start = 0; start < options.count; start += CHUNK) {
    const end = Math.min(options.count, start + CHUNK);
    const userRows: Insertable<UsersTable>[] = [];
    const docRows: Insertable<DocumentsTable>[] = [];
    const feedRows: { owner_id: string; seq: number }[] = [];
    for (let index = start; index < end; index++) {
      const userId = userIdFor(index, salt);
      const email = `person${index}-${salt}@example.test`;
      const profile = profileFor(index, userId);
      const settings = settingsFor(index, userId);
      const account = accountFor(index, userId, email, createdAt);
      if (index === 0) checkAgainstSchemas({ profile, settings, account });
      userRows.push({
        id: userId,
        email,
        password_hash: options.passwordHash ?? 'seeded-without-password',
        role: 'user',
        status: 'active',
        created_at: createdAt,
        deletion_due_at: null,
        email_verified: flag(true),
      });
      for (const [collection, data] of [
        ['profiles', profile],
        ['settings', settings],
        ['accounts', account],
      ] as const) {
        docRows.push({
          collection,
          id: userId,
          owner_id: userId,
          seq: ++seq,
          deleted: flag(false),
          data: JSON.stringify(data),
        });
      }
      feedRows.push({ owner_id: userId, seq: ++seq });
      users.push({ userId, email, token: undefined });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(userRows).execute();
      for (let i = 0; i < docRows.length; i += CHUNK) {
        await trx
          .insertInto('documents')
          .values(docRows.slice(i, i + CHUNK))
          .execute();
      }
      await trx.insertInto('directory_feed').values(feedRows).execute();
      await trx.updateTable('counters').set({ value: seq }).where('name', '=', CHANGES_COUNTER).execute();
    });
    options.onProgress?.(end);
  }
  return users;
}
