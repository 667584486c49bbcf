// A real sync server on loopback for tests: temp data folder (SQLite) or a fresh PostgreSQL database.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildServer, type AccordServer } from '../../sync-server/app.ts';
import { loadConfig } from '../../sync-server/config.ts';
import { provisionAccount } from '../../sync-server/accounts/provision.ts';
import { issueSession } from '../../sync-server/auth/sessions.ts';
import { openStore } from '../../sync-server/storage/open-store.ts';
import type { Role } from '#shared/policy/field';
import { createTestDatabase } from './postgres.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface TestUser {
  readonly userId: string;
  readonly email: string;
  readonly token: string;
  readonly role: Role;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  server: AccordServer;
  createUser(name: string, role?: Role): Promise<TestUser>;
  /** Stops the server (graceful) and starts a new one on the same port and storage. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly dialect?: Dialect;
  /** Share an existing database (several servers on one PostgreSQL). */
  readonly databaseUrl?: string;
  readonly now?: () => number;
  /** Capture the server's log lines (level info) instead of silencing them. */
  readonly logStream?: NodeJS.WritableStream;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'accord-test-'));
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl = options.databaseUrl;
  if (options.dialect === 'postgres' && databaseUrl === undefined) {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    dropDatabase = database.drop;
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: options.logStream ? 'debug' : 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });

  const boot = async (port: number) => {
    const store = await openStore({ dataDir, databaseUrl });
    await store.migrate();
    const server = await buildServer({
      config,
      store,
      ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
      ...(options.now ? { now: options.now } : {}),
    });
    await server.app.listen({ host: '127.0.0.1', port });
    const address = server.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { server, port: address.port };
  };

  let current = await boot(0);
  const port = current.port;
  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    databaseUrl,
    server: current.server,
    createUser: async (name, role = 'user') => {
      const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.test`;
      const now = new Date(options.now?.() ?? Date.now());
      const store = handle.server.store;
      const userId = await provisionAccount(
        store,
        handle.server.clock,
        { email, passwordHash: 'unused', role, displayName: name },
        now,
      );
      const session = await issueSession(store, userId, now);
      return { userId, email, token: session.accessToken, role };
    },
    restart: async () => {
      await handle.server.shutdown();
      current = await boot(port);
      handle.server = current.server;
    },
    stop: async () => {
      await handle.server.shutdown();
      await dropDatabase?.();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
