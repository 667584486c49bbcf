// Pull: the caller's own documents, or the directory as projected for them, after a checkpoint.
import type { SyncCheckpoint } from '#shared/contract/sync';
import type { Checkpoint, SyncStore, SyncedCollection } from '../storage/store.ts';
import { directoryDocFor } from './directory.ts';
import { toSyncDoc, type SyncDoc } from './documents.ts';

export interface PullBatch {
  readonly documents: SyncDoc[];
  readonly checkpoint: SyncCheckpoint | null;
}

export function checkpointFromQuery(query: {
  seq?: number | undefined;
  id?: string | undefined;
}): Checkpoint | undefined {
  return query.seq === undefined ? undefined : { seq: query.seq, id: query.id ?? '' };
}

export async function pullOwn(
  store: SyncStore,
  collection: SyncedCollection,
  userId: string,
  since: Checkpoint | undefined,
  limit: number,
): Promise<PullBatch> {
  const rows = await store.changesSince(collection, userId, since, limit);
  const last = rows.at(-1);
  return {
    documents: rows.map(toSyncDoc),
    checkpoint: last ? { seq: last.seq, id: last.id } : (since ?? null),
  };
}

/**
 * RxDB stops pulling when a batch is shorter than `limit`, so the viewer's own entry (skipped)
 * must not shorten a batch: read one entry more than needed and stop at `limit` documents.
 */
export async function pullDirectory(
  store: Pick<SyncStore, 'directorySince'>,
  viewerId: string,
  since: Checkpoint | undefined,
  limit: number,
): Promise<PullBatch> {
  const entries = await store.directorySince(since, limit + 1);
  const documents: SyncDoc[] = [];
  let checkpoint: SyncCheckpoint | null = since ?? null;
  for (const entry of entries) {
    if (documents.length === limit) break;
    checkpoint = { seq: entry.seq, id: entry.ownerId };
    const doc = directoryDocFor(entry, viewerId);
    if (doc !== undefined) documents.push(doc);
  }
  return { documents, checkpoint };
}
