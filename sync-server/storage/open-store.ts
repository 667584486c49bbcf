// Picks the storage backend from configuration: PostgreSQL for a postgres URL, else SQLite in the data dir.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { StoreErrorReporter } from './subscribers.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { SyncStore } from './store.ts';

export interface StoreConfig {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  readonly onError?: StoreErrorReporter;
}

export const SQLITE_FILE_NAME = 'accord.sqlite';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openStore(config: StoreConfig): Promise<SyncStore> {
  const { databaseUrl, onError } = config;
  if (databaseUrl !== undefined && isPostgresUrl(databaseUrl)) {
    return openPostgresStore({ url: databaseUrl, onError });
  }
  await mkdir(config.dataDir, { recursive: true });
  return openSqliteStore({ file: path.join(config.dataDir, SQLITE_FILE_NAME), onError });
}
