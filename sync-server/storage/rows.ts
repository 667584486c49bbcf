// Turns database rows into the store's records, parsing stored values instead of trusting them.
import { z } from 'zod';
import { AccountStatus } from '#shared/entities/account';
import { Hlc, HLC_PATTERN } from '#shared/hlc';
import { Role } from '#shared/policy/field';
import type { AnyDoc } from '#shared/policy/table';
import { syncedCollections, type StoredDoc, type UserRecord } from './store.ts';

const SyncedCollection = z.enum(syncedCollections);

/** The shape every synced document shares; the entity schemas are applied by the layers above. */
const StoredData = z.looseObject({ id: z.string(), clocks: z.record(z.string(), Hlc) });

export const ChangeEventSchema = z.strictObject({
  collection: z.enum([...syncedCollections, 'directory']),
  ownerId: z.string(),
  seq: z.number().int().nonnegative(),
});

export interface DocumentRow {
  readonly collection: string;
  readonly id: string;
  readonly owner_id: string;
  readonly seq: string | number;
  readonly deleted: boolean | number;
  readonly data: string;
}

export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly status: string;
  readonly created_at: string;
  readonly email_verified: boolean | number;
  readonly pending_email: string | null;
  readonly totp_secret: string | null;
  readonly deletion_due_at: string | null;
}

/** bigint columns arrive as strings from PostgreSQL; sequences stay far below 2^53. */
export function toSeq(value: string | number): number {
  const seq = Number(value);
  if (!Number.isSafeInteger(seq)) throw new Error(`stored sequence ${String(value)} is not a safe integer`);
  return seq;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `StoredData.parse(JSON.parse(text))`, with the same result and errors, but without zod on the
 * common path: every document read (pushes, pulls, exports) goes through here, and zod's copy of
 * each document was about a tenth of an admin export's time (bench/export.ts). Anything the quick
 * check does not accept goes to zod, which then throws its usual error.
 */
function parseStoredData(text: string): AnyDoc {
  const parsed: unknown = JSON.parse(text);
  if (
    isRecord(parsed) &&
    typeof parsed.id === 'string' &&
    isRecord(parsed.clocks) &&
    !Object.hasOwn(parsed, '__proto__') &&
    !Object.hasOwn(parsed.clocks, '__proto__') &&
    Object.values(parsed.clocks).every((clock) => typeof clock === 'string' && HLC_PATTERN.test(clock))
  ) {
    // zod's output order: the declared keys first, then the others as they came.
    const { id, clocks, ...rest } = parsed;
    return { id, clocks, ...rest } as AnyDoc;
  }
  return StoredData.parse(parsed);
}

export function toStoredDoc(row: DocumentRow): StoredDoc {
  const data: AnyDoc = parseStoredData(row.data);
  return {
    collection: SyncedCollection.parse(row.collection),
    id: row.id,
    ownerId: row.owner_id,
    seq: toSeq(row.seq),
    deleted: Boolean(row.deleted),
    data,
  };
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: Role.parse(row.role),
    status: AccountStatus.parse(row.status),
    createdAt: row.created_at,
    emailVerified: Boolean(row.email_verified),
    pendingEmail: row.pending_email,
    twoFactorEnabled: row.totp_secret !== null,
    deletionDueAt: row.deletion_due_at,
  };
}

export function toAccountStatus(value: string | null): AccountStatus | undefined {
  return value === null ? undefined : AccountStatus.parse(value);
}

/** One spelling per instant (UTC, milliseconds), so stored timestamps sort as text in time order. */
export function toStoredTimestamp(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new Error(`not a timestamp: ${value}`);
  return time.toISOString();
}
