// What the admin commands work with: the store the server uses (same DATA_DIR / DATABASE_URL), the
// account dependencies built as the server builds them, and a clock of their own.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { HybridClock } from '#shared/hlc';
import type { AccountDeps } from '../accounts/context.ts';
import { createAccountDeps } from '../accounts/services.ts';
import { loadConfig } from '../config.ts';
import { openStore } from '../storage/open-store.ts';

export interface CliContext {
  readonly deps: AccountDeps;
  /** Waits for mail and other background work, then closes the store. */
  close(): Promise<void>;
}

export async function openCliContext(env: NodeJS.ProcessEnv = process.env): Promise<CliContext> {
  const config = loadConfig(env);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const now = Date.now;
  const deps = createAccountDeps({
    store,
    // Its own clock node: stamps from the command line never tie with a server's.
    clock: new HybridClock(`cli_${randomBytes(4).toString('hex')}`, now),
    now,
    config,
    // Warnings and errors only, on standard error: standard output may carry an export.
    log: pino({ level: 'warn' }, pino.destination(2)),
  });
  return {
    deps,
    close: async () => {
      await deps.tasks.drain();
      deps.mailer.close();
      await store.close();
    },
  };
}
