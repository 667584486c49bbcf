// Runs the account purge once, outside the server (cron, or after changing the grace period):
// `npx tsx sync-server/accounts/purge-command.ts` with the server's environment.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { HybridClock } from '#shared/hlc';
import { loadConfig, type ServerConfig } from '../config.ts';
import { openStore } from '../storage/open-store.ts';
import { purgeDueAccounts } from './deletion.ts';
import { createAccountDeps } from './services.ts';

/** Purges every account whose grace period ended by `now()`; returns how many. */
export async function purgeOnce(config: ServerConfig, now: () => number = Date.now): Promise<number> {
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const log = pino({ level: config.logLevel });
  try {
    await store.migrate();
    const clock = new HybridClock(`purge_${randomBytes(4).toString('hex')}`, now);
    const deps = createAccountDeps({ store, clock, now, config, log });
    try {
      return await purgeDueAccounts(deps);
    } finally {
      await deps.tasks.drain();
      deps.mailer.close();
    }
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  purgeOnce(loadConfig())
    .then((count) => {
      console.log(`Purged ${count} account(s) whose deletion grace period had ended.`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
