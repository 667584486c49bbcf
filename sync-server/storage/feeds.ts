// The two pull queries: an owner's changed documents, and the directory feed joined with what it projects.
import type { Kysely } from 'kysely';
import { toAccountStatus, toSeq, toStoredDoc, type DocumentRow } from './rows.ts';
import type { Database } from './schema.ts';
import type { Checkpoint, DirectoryEntry, StoredDoc, SyncedCollection } from './store.ts';

export async function selectChanges(
  db: Kysely<Database>,
  collection: SyncedCollection,
  ownerId: string,
  since: Checkpoint | undefined,
  limit: number,
): Promise<StoredDoc[]> {
  let query = db
    .selectFrom('documents')
    .selectAll()
    .where('collection', '=', collection)
    .where('owner_id', '=', ownerId);
  if (since !== undefined) {
    const { seq, id } = since;
    query = query.where((eb) =>
      eb.or([eb('seq', '>', seq), eb.and([eb('seq', '=', seq), eb('id', '>', id)])]),
    );
  }
  const rows = await query.orderBy('seq').orderBy('id').limit(limit).execute();
  return rows.map(toStoredDoc);
}

export async function selectDirectory(
  db: Kysely<Database>,
  since: Checkpoint | undefined,
  limit: number,
): Promise<DirectoryEntry[]> {
  let query = db
    .selectFrom('directory_feed as f')
    .leftJoin('documents as p', (join) =>
      join.onRef('p.id', '=', 'f.owner_id').on('p.collection', '=', 'profiles'),
    )
    .leftJoin('documents as s', (join) =>
      join.onRef('s.id', '=', 'f.owner_id').on('s.collection', '=', 'settings'),
    )
    .leftJoin('users as u', 'u.id', 'f.owner_id')
    .select([
      'f.owner_id as ownerId',
      'f.seq as seq',
      'p.owner_id as p_owner_id',
      'p.seq as p_seq',
      'p.deleted as p_deleted',
      'p.data as p_data',
      's.owner_id as s_owner_id',
      's.seq as s_seq',
      's.deleted as s_deleted',
      's.data as s_data',
      'u.status as status',
      'u.email_verified as email_verified',
    ]);
  if (since !== undefined) {
    const { seq, id } = since;
    query = query.where((eb) =>
      eb.or([eb('f.seq', '>', seq), eb.and([eb('f.seq', '=', seq), eb('f.owner_id', '>', id)])]),
    );
  }
  const rows = await query.orderBy('f.seq').orderBy('f.owner_id').limit(limit).execute();
  return rows.map((row) => ({
    ownerId: row.ownerId,
    seq: toSeq(row.seq),
    profile: joinedDoc('profiles', row.ownerId, {
      owner_id: row.p_owner_id,
      seq: row.p_seq,
      deleted: row.p_deleted,
      data: row.p_data,
    }),
    settings: joinedDoc('settings', row.ownerId, {
      owner_id: row.s_owner_id,
      seq: row.s_seq,
      deleted: row.s_deleted,
      data: row.s_data,
    }),
    // An address nobody has confirmed yet may belong to someone else: keep it out of the directory.
    status: row.email_verified === null || !row.email_verified ? undefined : toAccountStatus(row.status),
  }));
}

type Nullable<T> = { readonly [K in keyof T]: T[K] | null };

/** A left-joined document: every column is null when the owner has no such document. */
function joinedDoc(
  collection: SyncedCollection,
  id: string,
  columns: Nullable<Omit<DocumentRow, 'collection' | 'id'>>,
): StoredDoc | undefined {
  const { owner_id, seq, deleted, data } = columns;
  if (owner_id === null || seq === null || deleted === null || data === null) return undefined;
  return toStoredDoc({ collection, id, owner_id, seq, deleted, data });
}
