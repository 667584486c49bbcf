// Conversions between stored rows and the documents the replication protocol carries.
import { canonicalJson } from '#shared/canonical';
import type { SyncCheckpoint } from '#shared/contract/sync';
import type { AnyDoc } from '#shared/policy/table';
import type { StoredDoc } from '../storage/store.ts';

export type SyncDoc = AnyDoc & { readonly _deleted: boolean };

/** RxDB bookkeeping keys a client may send along; they are never stored. */
const CLIENT_META_KEYS = new Set(['_deleted', '_meta', '_rev', '_attachments']);

export function toSyncDoc(stored: StoredDoc): SyncDoc {
  return { ...stored.data, _deleted: stored.deleted };
}

export function withoutClientMeta(doc: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !CLIENT_META_KEYS.has(key)));
}

/** Whether the master state a client assumed is the one the server holds (key order ignored). */
export function sameMasterState(
  assumed: Readonly<Record<string, unknown>> | null,
  master: StoredDoc | undefined,
): boolean {
  if (master === undefined) return assumed === null;
  if (assumed === null) return false;
  const assumedDeleted = assumed._deleted === true;
  return (
    assumedDeleted === master.deleted &&
    canonicalJson(withoutClientMeta(assumed)) === canonicalJson(master.data)
  );
}

export function checkpointOf(seq: number, id: string): SyncCheckpoint {
  return { seq, id };
}
