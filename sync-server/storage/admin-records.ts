// The records of the admin store: the user list and export reads, bulk account creation, role
// changes, export jobs and the admin audit log (the SyncStore exposes them as `store.admin`).
import type { AccountStatus } from '#shared/entities/account';
import type { Role } from '#shared/policy/field';
import type { AnyDoc } from '#shared/policy/table';
import type { AuditEventRecord } from './account-records.ts';
import type { StoredDoc, UserRecord, WriteDecision } from './store.ts';

/** Which users a list, count or export covers; absent keys do not filter. */
export interface AdminUserFilter {
  /** Part of the email address or display name, matched case-insensitively. */
  readonly q?: string | undefined;
  readonly status?: AccountStatus | undefined;
  readonly role?: Role | undefined;
}

/** Position in the user list, which runs newest first by (createdAt, id). */
export interface UserListCursor {
  readonly createdAt: string;
  readonly id: string;
}

export interface AdminUserRecord extends UserRecord {
  /** From the profile document; empty when there is none. */
  readonly displayName: string;
}

/** One user as an export reads it: the row and the current account, profile and settings documents. */
export interface ExportUserRecord {
  readonly user: UserRecord;
  readonly account: AnyDoc | undefined;
  readonly profile: AnyDoc | undefined;
  readonly settings: AnyDoc | undefined;
}

/** A complete new account: its row, its three documents and its first audit events. */
export interface NewAccountRecord {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly passwordHash: string;
    readonly role: Role;
    readonly createdAt: string;
    readonly emailVerified: boolean;
  };
  readonly documents: { readonly profiles: AnyDoc; readonly settings: AnyDoc; readonly accounts: AnyDoc };
  readonly audit: readonly AuditEventRecord[];
}

export type ExportJobStatus = 'ready' | 'running' | 'completed' | 'failed' | 'aborted';

export interface ExportJobRecord {
  readonly id: string;
  /** The administrator; null when run from the command line. */
  readonly actorId: string | null;
  readonly via: 'api' | 'cli';
  readonly format: 'ndjson' | 'csv' | 'json';
  readonly filter: AdminUserFilter;
  readonly afterId: string | null;
  readonly limit: number | null;
  readonly reason: string;
  readonly status: ExportJobStatus;
  readonly total: number;
  readonly done: number;
  readonly lastUserId: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly expiresAt: string;
  readonly error: string | null;
}

export interface ExportJobOutcome {
  readonly status: Extract<ExportJobStatus, 'completed' | 'failed' | 'aborted'>;
  readonly at: string;
  readonly done: number;
  readonly lastUserId: string | null;
  readonly error: string | null;
}

/** Position in an audit listing (newest first, or oldest first for one user's archive). */
export interface AuditCursor {
  readonly at: string;
  readonly id: string;
}

export interface AuditFilter {
  readonly type: string;
  readonly targetUserId?: string | undefined;
  readonly actorId?: string | undefined;
}

export interface AdminStore {
  /** Users matching `filter`, newest first, after `cursor`, at most `limit`. */
  listUsers(
    filter: AdminUserFilter,
    cursor: UserListCursor | undefined,
    limit: number,
  ): Promise<AdminUserRecord[]>;
  /** How many users match `filter` (and have an id after `afterId`, when given). */
  countUsers(filter: AdminUserFilter, afterId?: string): Promise<number>;
  /** Users matching `filter` with an id after `afterId`, in id order, at most `limit` (keyset pages). */
  exportUsers(
    filter: AdminUserFilter,
    afterId: string | undefined,
    limit: number,
  ): Promise<ExportUserRecord[]>;
  /**
   * Creates the accounts, their documents (with change sequences and directory entries) and their
   * audit events in one transaction: all of them or, on any error (a taken email), none.
   */
  createAccounts(accounts: readonly NewAccountRecord[]): Promise<void>;
  /**
   * Sets the user's role and writes the accounts document as `decide` says, in one transaction.
   * Refuses (`conflict`) to demote the last active administrator; `not_found` for no such user.
   */
  changeRole<T>(
    userId: string,
    role: Role,
    decide: (current: StoredDoc | undefined) => WriteDecision<T>,
  ): Promise<T>;

  createExportJob(job: ExportJobRecord): Promise<void>;
  findExportJob(id: string): Promise<ExportJobRecord | undefined>;
  /** Newest first. */
  listExportJobs(limit: number): Promise<ExportJobRecord[]>;
  /** `ready` → `running`, once; false when it was started already. */
  startExportJob(id: string, at: string): Promise<boolean>;
  recordExportProgress(id: string, done: number, lastUserId: string | null): Promise<void>;
  finishExportJob(id: string, outcome: ExportJobOutcome): Promise<void>;

  /** Audit events of one type, newest first, optionally of one target or actor. */
  listAuditEvents(
    filter: AuditFilter,
    before: AuditCursor | undefined,
    limit: number,
  ): Promise<AuditEventRecord[]>;
  /** One user's audit events, oldest first (for their data archive). */
  auditEventsOf(userId: string, after: AuditCursor | undefined, limit: number): Promise<AuditEventRecord[]>;
}
