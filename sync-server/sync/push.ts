// Push: each row is compared with the master and checked field by field, atomically per document.
import { AccordError } from '#shared/errors';
import type { PushRequest, PushableCollection } from '#shared/contract/sync';
import type { HybridClock } from '#shared/hlc';
import { applyPush, type Rejection } from '#shared/policy/validate-push';
import type { EntityName } from '#shared/policy/table';
import { deepEqual } from '#shared/canonical';
import type { SyncStore } from '../storage/store.ts';
import type { AuthContext } from '../auth/authenticate.ts';
import { sameMasterState, toSyncDoc, withoutClientMeta, type SyncDoc } from './documents.ts';

const entityOf: Record<PushableCollection, EntityName> = { profiles: 'profile', settings: 'settings' };

export interface PushResult {
  readonly conflicts: SyncDoc[];
  readonly rejections: Rejection[];
}

export interface PushDeps {
  readonly store: SyncStore;
  readonly clock: HybridClock;
  readonly now: () => number;
}

export async function pushRows(
  deps: PushDeps,
  collection: PushableCollection,
  auth: AuthContext,
  rows: PushRequest['rows'],
): Promise<PushResult> {
  // Checked for the whole batch before anything is written: a foreign id is never half-applied.
  for (const row of rows) {
    if (row.newDocumentState.id !== auth.userId) {
      throw new AccordError('forbidden', 'You can only push your own documents.', 'id');
    }
  }
  const conflicts: SyncDoc[] = [];
  const rejections: Rejection[] = [];
  for (const row of rows) {
    const outcome = await pushRow(deps, collection, auth, row);
    if (outcome.conflict) conflicts.push(outcome.conflict);
    rejections.push(...outcome.rejections);
  }
  return { conflicts, rejections };
}

interface RowOutcome {
  readonly conflict?: SyncDoc;
  readonly rejections: Rejection[];
}

function pushRow(
  deps: PushDeps,
  collection: PushableCollection,
  auth: AuthContext,
  row: PushRequest['rows'][number],
): Promise<RowOutcome> {
  const pushed = row.newDocumentState;
  return deps.store.writeDocument(collection, pushed.id, (current) => {
    if (current !== undefined && !sameMasterState(row.assumedMasterState, current)) {
      return { result: { conflict: toSyncDoc(current), rejections: [] } };
    }
    if (pushed._deleted === true) {
      const rejection: Rejection = {
        docId: pushed.id,
        field: '_deleted',
        code: 'forbidden_field',
        message: 'Documents are removed by deleting the account, not by a sync push.',
      };
      return { result: { rejections: [rejection], ...(current ? { conflict: toSyncDoc(current) } : {}) } };
    }
    const outcome = applyPush(entityOf[collection], current?.data, withoutClientMeta(pushed), {
      role: auth.role,
      clock: deps.clock,
      physicalNow: deps.now(),
    });
    const changed = current === undefined || current.deleted || !deepEqual(outcome.doc, current.data);
    const stored = { ...outcome.doc, _deleted: false };
    return {
      ...(changed ? { write: { data: outcome.doc, deleted: false, ownerId: auth.userId } } : {}),
      result: { rejections: outcome.rejections, ...(outcome.differsFromPush ? { conflict: stored } : {}) },
    };
  });
}
