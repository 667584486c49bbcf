// Throttling of guessing: failed credential checks per account (then a temporary lock and a notice)
// and per client address, and mail-sending requests per client address.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AccordError } from '#shared/errors';
import { audit } from './audit.ts';
import { hasPassed, isoIn, nowIso, type AccountDeps, type RequestMeta } from './context.ts';
import { mails, sendMail } from './mail-templates.ts';

/**
 * Keyed by a hash of the address, not the account: an unknown address locks exactly like a known
 * one, so a lock never reveals that an account exists (and no address is stored in clear).
 */
export function accountKey(email: string): string {
  return `signin:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

function failureKey(meta: RequestMeta): string {
  return `fail-ip:${meta.ip ?? 'unknown'}`;
}

function mailKey(meta: RequestMeta): string {
  return `mail-ip:${meta.ip ?? 'unknown'}`;
}

function retryAfterSeconds(deps: AccountDeps, until: string): number {
  return Math.max(1, Math.ceil((Date.parse(until) - deps.now()) / 1000));
}

function windowStart(deps: AccountDeps, windowMs: number): string {
  return new Date(deps.now() - windowMs).toISOString();
}

/** 423 while the address is locked; the same for every address, registered or not. */
export async function assertNotLocked(deps: AccountDeps, email: string, reply?: FastifyReply): Promise<void> {
  const lockedUntil = (await deps.store.getThrottle(accountKey(email)))?.lockedUntil ?? null;
  if (lockedUntil !== null && !hasPassed(deps, lockedUntil)) {
    const seconds = retryAfterSeconds(deps, lockedUntil);
    reply?.header('retry-after', String(seconds));
    throw new AccordError(
      'account_locked',
      `Too many failed attempts: signing in is paused for ${Math.ceil(seconds / 60)} more minutes.`,
    );
  }
}

/** 429 when this client address failed too often recently (it may be guessing many accounts). */
export async function assertAddressNotThrottled(
  deps: AccountDeps,
  meta: RequestMeta,
  reply?: FastifyReply,
): Promise<void> {
  const { limits } = deps;
  const state = await deps.store.getThrottle(failureKey(meta));
  if (state === undefined || state.hits < limits.ipFailuresPerWindow) return;
  const until = new Date(Date.parse(state.windowStartedAt) + limits.ipWindowMs).toISOString();
  if (hasPassed(deps, until)) return;
  reply?.header('retry-after', String(retryAfterSeconds(deps, until)));
  throw new AccordError('rate_limited', 'Too many failed attempts from your network; try again later.');
}

/** Counts a mail-sending request (registration, resend, reset) from this address; 429 past the limit. */
export async function countMailRequest(
  deps: AccountDeps,
  meta: RequestMeta,
  reply?: FastifyReply,
): Promise<void> {
  const { limits } = deps;
  const state = await deps.store.countThrottleHit(
    mailKey(meta),
    nowIso(deps),
    windowStart(deps, limits.ipWindowMs),
  );
  if (state.hits <= limits.ipMailRequestsPerWindow) return;
  const until = new Date(Date.parse(state.windowStartedAt) + limits.ipWindowMs).toISOString();
  reply?.header('retry-after', String(retryAfterSeconds(deps, until)));
  throw new AccordError('rate_limited', 'Too many requests from your network; try again later.');
}

export interface FailedAttempt {
  readonly email: string;
  /** The account, when the address has one (it gets the lock notice and the audit entry). */
  readonly user: { readonly id: string; readonly email: string } | undefined;
  readonly meta: RequestMeta;
}

/** Records a failed password or code; returns whether this failure locked the account. */
export async function recordFailure(deps: AccountDeps, attempt: FailedAttempt): Promise<boolean> {
  const { limits } = deps;
  const at = nowIso(deps);
  await deps.store.countThrottleHit(failureKey(attempt.meta), at, windowStart(deps, limits.ipWindowMs));
  const key = accountKey(attempt.email);
  const state = await deps.store.countThrottleHit(key, at, windowStart(deps, limits.failureWindowMs));
  if (state.hits < limits.failuresBeforeLock) return false;
  // Only the request that sets the lock sends the notice, however many race past the threshold.
  const locked = await deps.store.lockThrottle(key, isoIn(deps, limits.lockMs), at);
  if (locked && attempt.user !== undefined) {
    await audit(deps, { type: 'account_locked', userId: attempt.user.id, meta: attempt.meta });
    sendMail(deps, mails.accountLocked(attempt.user.email, limits.lockMs));
  }
  return locked;
}

/** A correct password ends the count of failures for the address. */
export async function clearFailures(deps: AccountDeps, email: string): Promise<void> {
  await deps.store.clearThrottle(accountKey(email));
}

/** A wrong emailed code or challenge answer: counts against the client address only (codes limit their own guesses). */
export async function recordAddressFailure(deps: AccountDeps, meta: RequestMeta): Promise<void> {
  await deps.store.countThrottleHit(
    failureKey(meta),
    nowIso(deps),
    windowStart(deps, deps.limits.ipWindowMs),
  );
}
