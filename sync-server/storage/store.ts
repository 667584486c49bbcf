// The storage interface the server is written against; SQLite and PostgreSQL implement it.
import type { AnyDoc } from '#shared/policy/table';
import type { Role } from '#shared/policy/field';
import type { AccountStatus } from '#shared/entities/account';

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
}

export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly expiresAt: string;
}

export interface SyncStore {
  readonly dialect: 'sqlite' | 'postgres';
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

  createUser(user: {
    id: string;
    email: string;
    passwordHash: string;
    role: Role;
    createdAt: string;
  }): Promise<void>;
  findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | undefined>;
  findUser(id: string): Promise<UserRecord | undefined>;
  createSession(session: {
    id: string;
    userId: string;
    tokenHash: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
}
