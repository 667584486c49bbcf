// The tables as Kysely sees them, shared by the SQLite and PostgreSQL adapters.
import type { ColumnType } from 'kysely';
import type { IntegrationTables } from './integration-schema.ts';

/** PostgreSQL returns bigint as a string (it may exceed 2^53); SQLite returns a number. */
type BigIntColumn = ColumnType<string | number, number, number>;
/** PostgreSQL stores a boolean; SQLite has none and stores 0 or 1. */
type FlagColumn = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  status: string;
  created_at: string;
  deletion_due_at: string | null;
  // Added by 0002-accounts.
  email_verified: FlagColumn;
  pending_email: string | null;
  password_changed_at: string | null;
  deletion_requested_at: string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: BigIntColumn | null;
}

/** One signed-in device: the family of every access and refresh token issued to it. */
export interface SessionsTable {
  id: string;
  user_id: string;
  device_name: string;
  created_at: string;
  last_seen_at: string;
  /** Last full authentication (sign-in or re-authentication): gates sensitive actions. */
  authenticated_at: string;
  /** Absolute end of the session, however often it is refreshed. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface SessionTokensTable {
  token_hash: string;
  session_id: string;
  kind: string;
  created_at: string;
  expires_at: string;
  /** A refresh token's rotation time; presenting it again afterwards is reuse. */
  used_at: string | null;
}

export interface VerificationCodesTable {
  user_id: string;
  purpose: string;
  code_hash: string;
  target_email: string | null;
  created_at: string;
  expires_at: string;
  attempts: number;
  consumed_at: string | null;
  send_count: number;
  send_window_started_at: string;
}

export interface AuthChallengesTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  attempts: number;
  data: string | null;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  user_id: string | null;
  type: string;
  at: string;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

export interface PersonalAccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** JSON array of scopes. */
  scopes: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ThrottlesTable {
  key: string;
  hits: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface DocumentsTable {
  collection: string;
  id: string;
  owner_id: string;
  seq: BigIntColumn;
  deleted: FlagColumn;
  /** The document as JSON text: one representation on both databases, parsed on load. */
  data: string;
}

export interface DirectoryFeedTable {
  owner_id: string;
  seq: BigIntColumn;
}

export interface CountersTable {
  name: string;
  value: BigIntColumn;
}

/** Every table; those of 0004 (contacts, webhooks) are declared in integration-schema.ts. */
export interface Database extends IntegrationTables {
  users: UsersTable;
  sessions: SessionsTable;
  session_tokens: SessionTokensTable;
  verification_codes: VerificationCodesTable;
  auth_challenges: AuthChallengesTable;
  recovery_codes: RecoveryCodesTable;
  audit_events: AuditEventsTable;
  personal_access_tokens: PersonalAccessTokensTable;
  throttles: ThrottlesTable;
  documents: DocumentsTable;
  directory_feed: DirectoryFeedTable;
  counters: CountersTable;
}

/** The counter row whose value is the change sequence shared by documents and the directory. */
export const CHANGES_COUNTER = 'changes';
