// Reading and editing the signed-in user's own documents: every edit goes through the shared
// applyLocalEdit, which stamps each changed field with the device's hybrid logical clock.
import { map, type Observable } from 'rxjs';
import type { RxDocument } from 'rxdb';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AccountDoc, AnyDoc, EntityName, ProfileDoc, SettingsDoc } from '#shared/policy/table';
import type { AccordDatabase } from './database.ts';
import type { DeviceClock } from '../sync/device-clock.ts';

export interface OwnDocs {
  profiles: ProfileDoc;
  settings: SettingsDoc;
  accounts: AccountDoc;
}
export type OwnCollectionName = keyof OwnDocs;
export type EditableCollection = 'profiles' | 'settings';

const entityOf: Record<OwnCollectionName, EntityName> = {
  profiles: 'profile',
  settings: 'settings',
  accounts: 'account',
};

const STORAGE_KEYS = new Set(['_meta', '_rev', '_attachments', '_deleted']);

/** The document's data without RxDB's bookkeeping. */
export function plain<T>(doc: RxDocument<T>): T {
  const json = doc.toMutableJSON(true) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(json).filter(([key]) => !STORAGE_KEYS.has(key))) as T;
}

/** The user's document: undefined while loading, null when it has not been synced to this device yet. */
export function watchOwnDoc<C extends OwnCollectionName>(
  db: AccordDatabase,
  collection: C,
  userId: string,
): Observable<OwnDocs[C] | null> {
  const rx = db.collections[collection] as unknown as {
    findOne(id: string): { $: Observable<RxDocument<OwnDocs[C]> | null> };
  };
  return rx.findOne(userId).$.pipe(map((doc) => (doc === null ? null : plain(doc))));
}

export class NotSyncedYetError extends Error {
  override readonly name = 'NotSyncedYetError';
  constructor() {
    super('Your data has not reached this device yet; connect once so it can be downloaded.');
  }
}

/**
 * Applies `patch` (or the patch computed from the current document) to the user's document.
 * Fields whose value does not change keep their clocks, so nothing extra is pushed.
 */
export async function editOwnDoc<C extends EditableCollection>(
  db: AccordDatabase,
  clock: DeviceClock,
  collection: C,
  userId: string,
  patch: Partial<OwnDocs[C]> | ((current: OwnDocs[C]) => Partial<OwnDocs[C]>),
): Promise<void> {
  const rx = db.collections[collection] as unknown as {
    findOne(id: string): { exec(): Promise<RxDocument<AnyDoc> | null> };
  };
  const doc = await rx.findOne(userId).exec();
  if (doc === null) throw new NotSyncedYetError();
  await doc.incrementalModify((data) => {
    const change = typeof patch === 'function' ? patch(data as unknown as OwnDocs[C]) : patch;
    return applyLocalEdit(entityOf[collection], data, change as Record<string, unknown>, () => clock.now());
  });
}
