// The storage interface the server is written against; SQLite and PostgreSQL implement it.
import type { AnyDoc } from '#shared/policy/table';
import type { Role } from '#shared/policy/field';
import type { AccountStatus } from '#shared/entities/account';
import type {
  AccessGrant,
  AccessTokenRecord,
  AuditEventRecord,
  ChallengePurpose,
  ChallengeRecord,
  CodeCheck,
  CodePurpose,
  NewSession,
  NewSessionToken,
  RecoveryCodeRecord,
  RefreshUse,
  SessionRecord,
  SessionSelector,
  SessionTokenKind,
  ThrottleState,
  UserChange,
  UserSecrets,
  VerificationCodeRecord,
} from './account-records.ts';
import type { ContactStore } from './contact-queries.ts';
import type { WebhookStore } from './webhook-records.ts';
import type { AdminStore } from './admin-records.ts';

export type * from './account-records.ts';
export type * from './contact-queries.ts';
export type * from './webhook-records.ts';
export type * from './admin-records.ts';

export const syncedCollections = ['profiles', 'settings', 'accounts'] as const;
export type SyncedCollection = (typeof syncedCollections)[number];

/** A document as the server keeps it. `seq` is the server-assigned change sequence (checkpoint). */
export interface StoredDoc {
  readonly collection: SyncedCollection;
  readonly id: string;
  readonly ownerId: string;
  readonly seq: number;
  readonly deleted: boolean;
  readonly data: AnyDoc;
}

/** Replication checkpoint: server sequence plus id, never from a client clock. */
export interface Checkpoint {
  readonly seq: number;
  readonly id: string;
}

/** What a document write decided; computed synchronously inside the store's transaction. */
export interface WriteDecision<T> {
  /** The new state to store (a new seq is assigned), or undefined to leave the document as it is. */
  readonly write?: { readonly data: AnyDoc; readonly deleted: boolean; readonly ownerId: string };
  /** Owners whose directory entry must be re-sent to viewers (visibility, contacts, status changed). */
  readonly touchDirectory?: readonly string[];
  readonly result: T;
}

/** One entry of the directory feed: an owner whose projection may have changed. */
export interface DirectoryEntry {
  readonly ownerId: string;
  readonly seq: number;
  readonly profile: StoredDoc | undefined;
  readonly settings: StoredDoc | undefined;
  readonly status: AccountStatus | undefined;
}

export interface ChangeEvent {
  readonly collection: SyncedCollection | 'directory';
  /** For own collections: the owner whose documents changed; for the directory: the owner whose entry changed. */
  readonly ownerId: string;
  readonly seq: number;
}

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly status: AccountStatus;
  readonly createdAt: string;
  readonly emailVerified: boolean;
  readonly pendingEmail: string | null;
  readonly twoFactorEnabled: boolean;
  readonly deletionDueAt: string | null;
}

export interface SyncStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Verification codes of profile emails and phones, and the addresses verified by code. */
  readonly contacts: ContactStore;
  /** Webhook endpoints and their durable delivery queue. */
  readonly webhooks: WebhookStore;
  /** The admin console's and exports' reads and writes (user list, bulk creation, roles, export jobs). */
  readonly admin: AdminStore;
  /** Applies pending migrations (idempotent; safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Cheap query that proves the database answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;

  getDocument(collection: SyncedCollection, id: string): Promise<StoredDoc | undefined>;
  /**
   * Reads the current state of one document and lets `decide` compute the write, atomically:
   * no other write to that document (in this or another process) interleaves.
   */
  writeDocument<T>(
    collection: SyncedCollection,
    id: string,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T>;
  /** The owner's documents changed after `since`, ordered by (seq, id), at most `limit`. */
  changesSince(
    collection: SyncedCollection,
    ownerId: string,
    since: Checkpoint | undefined,
    limit: number,
  ): Promise<StoredDoc[]>;
  /** Directory entries changed after `since`, ordered by (seq, ownerId), at most `limit`. */
  directorySince(since: Checkpoint | undefined, limit: number): Promise<DirectoryEntry[]>;
  /** The newest assigned change sequence (0 when nothing was written); streams start their cursor here. */
  latestSeq(): Promise<number>;
  /** Calls `listener` for every committed change, from this process or (PostgreSQL) any other. */
  subscribe(listener: (event: ChangeEvent) => void): () => void;

  // Users. Email addresses are stored and matched in lower case.
  createUser(user: {
    id: string;
    email: string;
    passwordHash: string;
    role: Role;
    createdAt: string;
    emailVerified?: boolean;
  }): Promise<void>;
  findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | undefined>;
  findUser(id: string): Promise<UserRecord | undefined>;
  findUserSecrets(id: string): Promise<UserSecrets | undefined>;
  /** Updates the user's row only; false when there is no such user. A taken email is a conflict. */
  updateUser(id: string, change: UserChange): Promise<boolean>;
  /**
   * Updates the user's row and, in the same transaction, the `accounts` document as `decide`
   * says, so the authority (the row) and what devices sync (the document) never disagree.
   */
  updateAccount<T>(
    id: string,
    change: UserChange,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T>;
  /** Records a TOTP time step as used; false when it (or a later one) was used already (replay). */
  recordTotpStep(id: string, step: number): Promise<boolean>;
  /** Accounts pending deletion whose grace period ended at or before `now`. */
  listUsersDueForPurge(now: string, limit: number): Promise<string[]>;
  /**
   * Erases the user row (sessions, codes, tokens and secrets go with it), their audit events and
   * the given throttling counters, and appends `receipt`, in one transaction; false when gone already.
   */
  purgeUser(id: string, receipt: AuditEventRecord, throttleKeys: readonly string[]): Promise<boolean>;

  // Sessions: a family of access and refresh tokens per signed-in device, tokens stored hashed.
  createSession(session: NewSession, tokens: readonly NewSessionToken[]): Promise<void>;
  addSessionTokens(tokens: readonly NewSessionToken[]): Promise<void>;
  findSession(id: string): Promise<SessionRecord | undefined>;
  /** The session one of its tokens (of this kind) belongs to, with that token's expiry; read only. */
  findSessionByToken(tokenHash: string, kind: SessionTokenKind): Promise<AccessGrant | undefined>;
  /** Marks a refresh token used (once, atomically) and says whether it was fresh, reused or unknown. */
  useRefreshToken(tokenHash: string, at: string): Promise<RefreshUse>;
  /** Updates last-seen time, address and agent when the stored time is before `staleBefore`. */
  touchSession(
    id: string,
    seen: { at: string; ip: string | null; userAgent: string | null },
    staleBefore: string,
  ): Promise<void>;
  markSessionAuthenticated(id: string, at: string): Promise<void>;
  /** The user's sessions that are neither revoked nor past their end at `now`, newest first. */
  listSessions(userId: string, now: string): Promise<SessionRecord[]>;
  /** Revokes the selected live sessions; returns their ids. */
  revokeSessions(selector: SessionSelector, at: string, reason: string): Promise<string[]>;
  /** Removes tokens that expired before `before`, and sessions that ended or were revoked before it. */
  deleteStaleSessions(before: string): Promise<number>;

  // Emailed one-time codes, one per user and purpose, stored hashed.
  getVerificationCode(userId: string, purpose: CodePurpose): Promise<VerificationCodeRecord | undefined>;
  putVerificationCode(code: VerificationCodeRecord): Promise<void>;
  /** Checks a code and, when right, uses it up, atomically; a wrong guess counts an attempt. */
  consumeVerificationCode(
    userId: string,
    purpose: CodePurpose,
    codeHash: string,
    at: string,
    maxAttempts: number,
  ): Promise<CodeCheck>;
  deleteVerificationCode(userId: string, purpose: CodePurpose): Promise<void>;

  // Challenges: short-lived single-use tokens between steps (second factor, restore, email revert).
  createChallenge(challenge: ChallengeRecord): Promise<void>;
  findChallenge(tokenHash: string): Promise<ChallengeRecord | undefined>;
  /** Counts a failed answer to a challenge; returns the attempts so far. */
  countChallengeFailure(tokenHash: string): Promise<number>;
  /** Uses a challenge up; false when it was used already. */
  consumeChallenge(tokenHash: string, at: string): Promise<boolean>;
  deleteChallenges(userId: string, purpose: ChallengePurpose): Promise<void>;
  deleteExpiredChallenges(before: string): Promise<number>;

  // Recovery codes, stored as password hashes.
  replaceRecoveryCodes(
    userId: string,
    codes: readonly { id: string; codeHash: string }[],
    at: string,
  ): Promise<void>;
  listRecoveryCodes(userId: string): Promise<RecoveryCodeRecord[]>;
  /** Uses one code up; false when it was used already. */
  useRecoveryCode(id: string, at: string): Promise<boolean>;
  deleteRecoveryCodes(userId: string): Promise<void>;

  // The security audit log.
  appendAuditEvent(event: AuditEventRecord): Promise<void>;
  /** The user's events before `before` (all when undefined), newest first. */
  listAuditEvents(userId: string, before: string | undefined, limit: number): Promise<AuditEventRecord[]>;

  // Personal access tokens for integrations, stored hashed.
  createAccessToken(token: AccessTokenRecord & { tokenHash: string }): Promise<void>;
  listAccessTokens(userId: string): Promise<AccessTokenRecord[]>;
  findAccessTokenByHash(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  revokeAccessToken(userId: string, id: string, at: string): Promise<boolean>;
  /** Records a use when the stored last use is before `staleBefore`; true when it wrote. */
  touchAccessToken(id: string, at: string, staleBefore: string): Promise<boolean>;

  // Throttling counters (failed sign-ins per account and per address, mail requests per address).
  /** Counts a hit in a window that restarts when it began before `windowStart`; returns the new state. */
  countThrottleHit(key: string, at: string, windowStart: string): Promise<ThrottleState>;
  getThrottle(key: string): Promise<ThrottleState | undefined>;
  /** Locks the key until `until`; true only for the call that locked it (one notice per lockout). */
  lockThrottle(key: string, until: string, at: string): Promise<boolean>;
  clearThrottle(key: string): Promise<void>;
  deleteStaleThrottles(before: string): Promise<number>;
}
