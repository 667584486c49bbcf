// What the app shows next to each email and phone: verified, code out (until when), expired, used
// up, not sent (when a resend is allowed), in use on another account, or not a valid number.
import type { ContactState, ContactVerification } from '#shared/contract/contact';
import type { AccountLimits } from '../accounts/limits.ts';
import type { ContactVerificationRecord } from '../storage/store.ts';
import type { ContactEntry } from './entries.ts';

const HOUR_MS = 3_600_000;

export function verificationOf(
  entry: ContactEntry,
  row: ContactVerificationRecord | undefined,
  limits: AccountLimits,
  now: number,
): ContactVerification {
  const state = stateOf(entry, row, limits, now);
  const live = state === 'code_sent';
  return {
    kind: entry.kind,
    entryId: entry.entryId,
    address: entry.address ?? entry.stored,
    state,
    primary: entry.primary,
    codeSentAt: row?.codeSentAt ?? null,
    expiresAt: live ? (row?.expiresAt ?? null) : null,
    attemptsLeft: live && row !== undefined ? Math.max(0, limits.codeMaxAttempts - row.attempts) : 0,
    resendAvailableAt: state === 'verified' || state === 'invalid_number' ? null : resendAt(row, limits, now),
  };
}

function stateOf(
  entry: ContactEntry,
  row: ContactVerificationRecord | undefined,
  limits: AccountLimits,
  now: number,
): ContactState {
  if (entry.address === null) return 'invalid_number';
  if (entry.verified || row?.status === 'verified') return 'verified';
  if (row === undefined || (row.codeHash === null && row.consumedAt === null)) return 'not_sent';
  if (row.status === 'pending' && row.consumedAt !== null) return 'in_use_elsewhere';
  if (row.attempts >= limits.codeMaxAttempts) return 'code_used_up';
  if (row.expiresAt === null || Date.parse(row.expiresAt) <= now) return 'code_expired';
  return 'code_sent';
}

/** When the next code may go out (null: now). */
export function resendAt(
  row: ContactVerificationRecord | undefined,
  limits: AccountLimits,
  now: number,
): string | null {
  if (row?.codeSentAt == null) return null;
  let at = Date.parse(row.codeSentAt) + limits.codeResendIntervalMs;
  if (row.sendWindowStartedAt !== null && row.sendCount >= limits.codeSendsPerHour) {
    at = Math.max(at, Date.parse(row.sendWindowStartedAt) + HOUR_MS);
  }
  return at > now ? new Date(at).toISOString() : null;
}
