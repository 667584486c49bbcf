// Lifetimes, throttles and lockout thresholds of the account flows, in one place with their reasons.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface AccountLimits {
  /** Access tokens are short-lived so a leaked one is useful briefly; refresh rotates them. */
  readonly accessTokenTtlMs: number;
  /** A refresh token unused this long lapses (the device has been away; sign in again). */
  readonly refreshTokenIdleMs: number;
  /** A session ends this long after sign-in however often it refreshes (NIST 800-63B AAL1: 30 days). */
  readonly sessionMaxMs: number;
  /** Sensitive actions need a sign-in or re-authentication at most this long ago. */
  readonly recentAuthMs: number;
  /** Emailed codes: lifetime, wrong guesses before the code is void, resend spacing and hourly cap. */
  readonly codeTtlMs: number;
  readonly codeMaxAttempts: number;
  readonly codeResendIntervalMs: number;
  readonly codeSendsPerHour: number;
  /** Second-factor and restore steps after a correct password. */
  readonly challengeTtlMs: number;
  readonly challengeMaxAttempts: number;
  /** The revert link sent to the old address after an email change. */
  readonly emailRevertTtlMs: number;
  /** Failed sign-ins per account before it locks, within this window, and for how long it locks. */
  readonly failuresBeforeLock: number;
  readonly failureWindowMs: number;
  readonly lockMs: number;
  /** Per client address: failed credential checks and mail-sending requests per window. */
  readonly ipFailuresPerWindow: number;
  readonly ipMailRequestsPerWindow: number;
  readonly ipWindowMs: number;
  /** Personal access tokens: last-use resolution and how many one account may hold. */
  readonly tokenLastUseResolutionMs: number;
  readonly maxAccessTokens: number;
  /** How often the purge job runs, how many accounts per run, and when expired rows are removed. */
  readonly purgeIntervalMs: number;
  readonly purgeBatch: number;
  readonly staleRecordsMs: number;
}

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  accessTokenTtlMs: 15 * MINUTE,
  refreshTokenIdleMs: 14 * DAY,
  sessionMaxMs: 30 * DAY,
  recentAuthMs: 10 * MINUTE,
  codeTtlMs: 10 * MINUTE,
  codeMaxAttempts: 5,
  codeResendIntervalMs: MINUTE,
  codeSendsPerHour: 5,
  challengeTtlMs: 5 * MINUTE,
  challengeMaxAttempts: 5,
  emailRevertTtlMs: 7 * DAY,
  failuresBeforeLock: 5,
  failureWindowMs: 15 * MINUTE,
  lockMs: 15 * MINUTE,
  ipFailuresPerWindow: 100,
  ipMailRequestsPerWindow: 30,
  ipWindowMs: 15 * MINUTE,
  tokenLastUseResolutionMs: MINUTE,
  maxAccessTokens: 50,
  purgeIntervalMs: HOUR,
  purgeBatch: 100,
  staleRecordsMs: 30 * DAY,
};
