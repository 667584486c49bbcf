// Single-use tokens that carry a half-finished flow to its next step: the second factor after a
// password, restoring an account offered at sign-in, and the email-change revert link.
import { hashToken, newToken } from '../auth/tokens.ts';
import type { ChallengePurpose, ChallengeRecord } from '../storage/store.ts';
import { hasPassed, isoIn, nowIso, type AccountDeps } from './context.ts';

const prefixes: Record<ChallengePurpose, string> = {
  'second-factor': 'chl',
  restore: 'rst',
  'email-revert': 'rev',
};

export async function createChallenge(
  deps: AccountDeps,
  userId: string,
  purpose: ChallengePurpose,
  ttlMs: number,
  data: Readonly<Record<string, string>>,
): Promise<{ readonly token: string; readonly expiresAt: string }> {
  const token = newToken(prefixes[purpose]);
  const expiresAt = isoIn(deps, ttlMs);
  await deps.store.createChallenge({
    tokenHash: hashToken(token),
    userId,
    purpose,
    createdAt: nowIso(deps),
    expiresAt,
    usedAt: null,
    attempts: 0,
    data: JSON.stringify(data),
  });
  return { token, expiresAt };
}

/** The challenge behind a token when it is of this purpose, unused, unexpired and not guessed at too often. */
export async function openChallenge(
  deps: AccountDeps,
  token: string,
  purpose: ChallengePurpose,
): Promise<ChallengeRecord | undefined> {
  const challenge = await deps.store.findChallenge(hashToken(token));
  if (
    challenge === undefined ||
    challenge.purpose !== purpose ||
    challenge.usedAt !== null ||
    hasPassed(deps, challenge.expiresAt) ||
    challenge.attempts >= deps.limits.challengeMaxAttempts
  ) {
    return undefined;
  }
  return challenge;
}

/** One string value stored with the challenge (e.g. the device name of a sign-in). */
export function challengeValue(challenge: ChallengeRecord, key: string): string | undefined {
  if (challenge.data === null) return undefined;
  const data: unknown = JSON.parse(challenge.data);
  if (typeof data !== 'object' || data === null) return undefined;
  const value: unknown = (data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

export function consumeChallenge(deps: AccountDeps, challenge: ChallengeRecord): Promise<boolean> {
  return deps.store.consumeChallenge(challenge.tokenHash, nowIso(deps));
}
