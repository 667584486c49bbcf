// PostgreSQL for the benchmarks: the server the test suites use (PG_URL), a fresh database per
// measurement, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's version, or undefined when nothing answers at PG_ADMIN_URL. */
export async function postgresVersion(): Promise<string | undefined> {
  try {
    return await withAdmin(async (client) => {
      const result = await client.query<{ server_version: string }>('show server_version');
      return `PostgreSQL ${result.rows[0]?.server_version ?? '?'}`;
    });
  } catch {
    return undefined;
  }
}

export async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `accord_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
