// A real sync server on loopback for tests: temp data folder (SQLite) or a fresh PostgreSQL database.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildServer, type AccordServer } from '../../sync-server/app.ts';
import { loadConfig } from '../../sync-server/config.ts';
import type { AccountLimits } from '../../sync-server/accounts/limits.ts';
import { provisionAccount } from '../../sync-server/accounts/provision.ts';
import { startSession } from '../../sync-server/accounts/sessions.ts';
import { openStore } from '../../sync-server/storage/open-store.ts';
import { ErrorBody } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import { createTestDatabase } from './postgres.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface TestUser {
  readonly userId: string;
  readonly email: string;
  /** The session's access token; tests that refresh or sign in again replace it (devices read it per request). */
  token: string;
  refreshToken: string;
  sessionId: string;
  readonly password: string;
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
  /** Extra environment for the configuration (e.g. ACCOUNT_DELETION_GRACE_DAYS). */
  readonly env?: Readonly<Record<string, string>>;
  /** Lifetimes and throttles; tests get generous per-address throttles unless they set them. */
  readonly accountLimits?: Partial<AccountLimits>;
}

/**
 * Tests share one loopback address, so the per-address throttles would trip across unrelated
 * tests; suites that test those throttles set them back explicitly.
 */
const TEST_ACCOUNT_LIMITS: Partial<AccountLimits> = {
  ipFailuresPerWindow: 10_000,
  ipMailRequestsPerWindow: 10_000,
};

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
    // Test-only argon2 cost (the defaults are OWASP's); hashing then takes about a millisecond.
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    // API tests run without the built app; e2e suites pass APP_DIR through `env`.
    APP_DIR: path.join(dataDir, 'no-app'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });

  const boot = async (port: number) => {
    const store = await openStore({ dataDir, databaseUrl });
    await store.migrate();
    const server = await buildServer({
      config,
      store,
      ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
      ...(options.now ? { now: options.now } : {}),
      accountLimits: { ...TEST_ACCOUNT_LIMITS, ...options.accountLimits },
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
      const password = `${name} correct horse battery staple`;
      const { accounts, clock } = handle.server;
      const now = new Date(accounts.now());
      // A confirmed account with a real (test-cost) password hash, signed in on one device.
      const userId = await provisionAccount(
        accounts.store,
        clock,
        {
          email,
          passwordHash: await accounts.passwords.hash(password),
          role,
          displayName: name,
          emailVerified: true,
        },
        now,
      );
      const tokens = await startSession(accounts, userId, `${name}'s test device`, {
        ip: '127.0.0.1',
        userAgent: 'accord-tests',
      });
      return {
        userId,
        email,
        password,
        token: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        sessionId: tokens.sessionId,
        role,
      };
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

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (undefined when there is none); tests parse it with the contract's schemas. */
  readonly json: unknown;
}

/** One JSON request to a test server, with an optional bearer token. */
export async function api(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  options: {
    readonly body?: unknown;
    readonly token?: string;
    readonly headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text.length > 0 ? JSON.parse(text) : undefined,
  };
}

/** An error answer's status and body fields, for `toMatchObject` checks. */
export function errorOf(response: ApiResponse): {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
} {
  const parsed = ErrorBody.safeParse(response.json);
  if (!parsed.success)
    throw new Error(`expected an error body, got ${response.status} ${JSON.stringify(response.json)}`);
  return { status: response.status, ...parsed.data.error };
}
