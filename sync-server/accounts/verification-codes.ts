// Emailed one-time codes (verify email, reset password, change email): six digits, single use,
// short-lived, stored hashed, a few guesses each, and resends spaced and capped per hour.
import { createHash, randomInt } from 'node:crypto';
import { AccordError } from '#shared/errors';
import type { CodePurpose } from '../storage/store.ts';
import { hasPassed, isoIn, nowIso, type AccountDeps } from './context.ts';

/** Uniformly random, so every one of the million codes is equally likely. */
export function newEmailCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Bound to the account and purpose, so a stored hash is useless elsewhere. A six-digit code has
 * too little entropy for a hash to hide it from an attacker holding the database; what protects
 * it is its ten-minute life and the handful of guesses it allows.
 */
export function hashEmailCode(userId: string, purpose: CodePurpose, code: string): string {
  return createHash('sha256').update(`${purpose}:${userId}:${code}`).digest('hex');
}

/**
 * Stores a fresh code (the previous one stops working) and returns it for mailing, or undefined
 * when a code for the same purpose and address went out too recently or too often this hour.
 */
export async function issueEmailCode(
  deps: AccountDeps,
  userId: string,
  purpose: CodePurpose,
  targetEmail: string | null,
): Promise<string | undefined> {
  const { limits } = deps;
  const previous = await deps.store.getVerificationCode(userId, purpose);
  const sameTarget = previous !== undefined && previous.targetEmail === targetEmail;
  if (
    sameTarget &&
    previous.consumedAt === null &&
    !hasPassed(deps, new Date(Date.parse(previous.createdAt) + limits.codeResendIntervalMs).toISOString())
  ) {
    return undefined;
  }
  const windowOpen =
    previous !== undefined &&
    !hasPassed(deps, new Date(Date.parse(previous.sendWindowStartedAt) + 3_600_000).toISOString());
  const sendCount = windowOpen ? previous.sendCount + 1 : 1;
  if (sendCount > limits.codeSendsPerHour) return undefined;
  const code = newEmailCode();
  const at = nowIso(deps);
  await deps.store.putVerificationCode({
    userId,
    purpose,
    codeHash: hashEmailCode(userId, purpose, code),
    targetEmail,
    createdAt: at,
    expiresAt: isoIn(deps, limits.codeTtlMs),
    attempts: 0,
    consumedAt: null,
    sendCount,
    sendWindowStartedAt: windowOpen ? previous.sendWindowStartedAt : at,
  });
  return code;
}

const codeMessages = {
  missing: 'That code is not right. Check the latest email, or ask for a new code.',
  wrong: 'That code is not right. Check the latest email, or ask for a new code.',
  used: 'That code was already used. Ask for a new code.',
  exhausted: 'Too many wrong codes. Ask for a new code.',
  expired: 'That code has expired. Ask for a new code.',
} as const;

/**
 * Uses a code up, or throws `code_invalid` / `code_expired` (400). An unknown account gets the
 * same answer as a wrong code. Returns the address a change-email code was sent to.
 */
export async function consumeEmailCode(
  deps: AccountDeps,
  userId: string | undefined,
  purpose: CodePurpose,
  code: string,
  field = 'code',
): Promise<string | null> {
  if (userId === undefined) throw new AccordError('code_invalid', codeMessages.missing, field);
  const check = await deps.store.consumeVerificationCode(
    userId,
    purpose,
    hashEmailCode(userId, purpose, code),
    nowIso(deps),
    deps.limits.codeMaxAttempts,
  );
  if (check.ok) return check.targetEmail;
  const errorCode = check.reason === 'expired' ? 'code_expired' : 'code_invalid';
  throw new AccordError(errorCode, codeMessages[check.reason], field);
}
