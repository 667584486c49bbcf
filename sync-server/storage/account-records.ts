// The records the account store methods take and return (the SyncStore interface is in store.ts).
import type { AccountStatus } from '#shared/entities/account';
import type { tokenScopes } from '#shared/entities/settings';

export type TokenScope = (typeof tokenScopes)[number];

/** Changes to a user's row; only the given keys are written. */
export interface UserChange {
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly pendingEmail?: string | null;
  readonly status?: AccountStatus;
  readonly deletionDueAt?: string | null;
  readonly deletionRequestedAt?: string | null;
  readonly passwordHash?: string;
  readonly passwordChangedAt?: string;
  readonly totpSecret?: string | null;
  readonly totpPendingSecret?: string | null;
  readonly totpLastStep?: number | null;
}

/** Secrets kept only in the users table; never part of a document or an answer. */
export interface UserSecrets {
  readonly passwordHash: string;
  readonly totpSecret: string | null;
  readonly totpPendingSecret: string | null;
  readonly totpLastStep: number | null;
}

export interface NewSession {
  readonly id: string;
  readonly userId: string;
  readonly deviceName: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface SessionRecord extends NewSession {
  readonly lastSeenAt: string;
  readonly authenticatedAt: string;
  readonly revokedAt: string | null;
}

export type SessionTokenKind = 'access' | 'refresh';

export interface NewSessionToken {
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly kind: SessionTokenKind;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** A session found by one of its tokens, with that token's expiry. */
export interface AccessGrant {
  readonly session: SessionRecord;
  readonly tokenExpiresAt: string;
}

/** What presenting a refresh token found. */
export type RefreshUse =
  | { readonly outcome: 'fresh'; readonly session: SessionRecord; readonly tokenExpiresAt: string }
  | { readonly outcome: 'reused'; readonly session: SessionRecord }
  | { readonly outcome: 'unknown' };

/** Which of a user's sessions to revoke. */
export interface SessionSelector {
  readonly userId: string;
  /** Only this session. */
  readonly sessionId?: string;
  /** Every session but this one. */
  readonly exceptSessionId?: string;
}

export type CodePurpose = 'verify-email' | 'reset-password' | 'change-email';

export interface VerificationCodeRecord {
  readonly userId: string;
  readonly purpose: CodePurpose;
  readonly codeHash: string;
  /** For an email change: the address the code was sent to. */
  readonly targetEmail: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly attempts: number;
  readonly consumedAt: string | null;
  /** Sends in the current throttling window, and when that window began. */
  readonly sendCount: number;
  readonly sendWindowStartedAt: string;
}

export type CodeCheck =
  | { readonly ok: true; readonly targetEmail: string | null }
  | { readonly ok: false; readonly reason: 'missing' | 'wrong' | 'expired' | 'used' | 'exhausted' };

export type ChallengePurpose = 'second-factor' | 'restore' | 'email-revert';

export interface ChallengeRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly purpose: ChallengePurpose;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
  readonly attempts: number;
  /** JSON the purpose needs (device name for a sign-in, addresses for a revert). */
  readonly data: string | null;
}

export interface RecoveryCodeRecord {
  readonly id: string;
  readonly codeHash: string;
  readonly usedAt: string | null;
}

export interface AuditEventRecord {
  readonly id: string;
  /** The account the event concerns; null for a failed sign-in to an unknown address. */
  readonly userId: string | null;
  readonly type: string;
  readonly at: string;
  readonly actorId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly detail: string | null;
}

export interface AccessTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface ThrottleState {
  readonly hits: number;
  readonly windowStartedAt: string;
  readonly lockedUntil: string | null;
}
