// Builds the account dependencies once, for the server and for maintenance commands alike.
import type { FastifyBaseLogger } from 'fastify';
import type { HybridClock } from '#shared/hlc';
import type { ServerConfig } from '../config.ts';
import type { SyncStore } from '../storage/store.ts';
import { BackgroundTasks } from './background.ts';
import type { AccountDeps } from './context.ts';
import { DEFAULT_ACCOUNT_LIMITS, type AccountLimits } from './limits.ts';
import { createMailer } from './mailer.ts';
import { PasswordHasher } from './passwords.ts';
import { Revocations } from './revocations.ts';

export interface AccountServiceOptions {
  readonly store: SyncStore;
  readonly clock: HybridClock;
  readonly now: () => number;
  readonly config: ServerConfig;
  readonly log: FastifyBaseLogger;
  readonly limits?: Partial<AccountLimits>;
}

export function createAccountDeps(options: AccountServiceOptions): AccountDeps {
  const { store, clock, now, config, log } = options;
  return {
    store,
    clock,
    now,
    config,
    limits: { ...DEFAULT_ACCOUNT_LIMITS, ...options.limits },
    passwords: new PasswordHasher(config.argon2),
    mailer: createMailer(config, now),
    tasks: new BackgroundTasks((error, label) => {
      // The error alone: task arguments (addresses, codes) never reach the log.
      log.error({ err: error, task: label }, 'background task failed');
    }),
    revocations: new Revocations(),
    log,
  };
}
