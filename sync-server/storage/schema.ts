// The tables as Kysely sees them, shared by the SQLite and PostgreSQL adapters.
import type { ColumnType } from 'kysely';

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
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  documents: DocumentsTable;
  directory_feed: DirectoryFeedTable;
  counters: CountersTable;
}

/** The counter row whose value is the change sequence shared by documents and the directory. */
export const CHANGES_COUNTER = 'changes';
