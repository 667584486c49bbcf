// What every account module works with: storage, clocks, mail, limits, and the caller's address.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { HybridClock } from '#shared/hlc';
import type { ServerConfig } from '../config.ts';
import type { SyncStore } from '../storage/store.ts';
import type { BackgroundTasks } from './background.ts';
import type { AccountLimits } from './limits.ts';
import type { Mailer } from './mailer.ts';
import type { PasswordHasher } from './passwords.ts';
import type { Revocations } from './revocations.ts';

export interface AccountDeps {
  readonly store: SyncStore;
  /** The server's hybrid clock: stamps the account and settings fields the server writes. */
  readonly clock: HybridClock;
  /** Physical time, injectable so tests can move it. */
  readonly now: () => number;
  readonly config: ServerConfig;
  readonly limits: AccountLimits;
  readonly passwords: PasswordHasher;
  readonly mailer: Mailer;
  readonly tasks: BackgroundTasks;
  readonly revocations: Revocations;
  readonly log: FastifyBaseLogger;
}

/** Where a request came from, for sessions and the audit log. */
export interface RequestMeta {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

const MAX_USER_AGENT = 256;

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return {
    // Fastify resolves X-Forwarded-For only when TRUST_PROXY says a proxy is trusted.
    ip: request.ip || null,
    userAgent: typeof agent === 'string' && agent.length > 0 ? agent.slice(0, MAX_USER_AGENT) : null,
  };
}

export function nowIso(deps: Pick<AccountDeps, 'now'>): string {
  return new Date(deps.now()).toISOString();
}

export function isoIn(deps: Pick<AccountDeps, 'now'>, ms: number): string {
  return new Date(deps.now() + ms).toISOString();
}

/** Whether a stored timestamp lies in the past (at or before now). */
export function hasPassed(deps: Pick<AccountDeps, 'now'>, timestamp: string): boolean {
  return Date.parse(timestamp) <= deps.now();
}
