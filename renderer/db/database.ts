// One local database per signed-in account: RxDB on Dexie (IndexedDB), schemas generated from the
// shared policy table, documents validated with the shared zod schemas, conflicts merged per field.
import {
  addRxPlugin,
  createRxDatabase,
  removeRxDatabase,
  type RxCollection,
  type RxConflictHandler,
  type RxDatabase,
  type RxJsonSchema,
  type RxStorage,
} from 'rxdb';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { directoryRxSchema, rxdbSchema } from '#shared/policy/rxdb-schema';
import type { AccountDoc, ProfileDoc, SettingsDoc } from '#shared/policy/table';
import type { DirectoryDoc } from './validation.ts';
import { withZodValidation } from './validation.ts';

addRxPlugin(RxDBLocalDocumentsPlugin);

export interface AccordCollections {
  profiles: RxCollection<ProfileDoc>;
  settings: RxCollection<SettingsDoc>;
  accounts: RxCollection<AccountDoc>;
  directory: RxCollection<DirectoryDoc>;
}
export type AccordDatabase = RxDatabase<AccordCollections>;

export interface ConflictHandlers {
  readonly profiles: RxConflictHandler<ProfileDoc>;
  readonly settings: RxConflictHandler<SettingsDoc>;
}

/** RxDB database names allow lower-case letters, digits, _ $ and -; user ids are lower-case UUIDs. */
export function databaseName(userId: string): string {
  return `accord-${userId.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}

let devModeReady: Promise<void> | undefined;

/** RxDB's dev-mode checks run in development builds only (it is never bundled for production). */
function ensureDevMode(): Promise<void> {
  // Not in component tests either: dev-mode loads a remote tracking iframe into any document.
  if (!import.meta.env.DEV || import.meta.env.MODE === 'test') return Promise.resolve();
  devModeReady ??= import('rxdb/plugins/dev-mode').then((module) => {
    module.disableWarnings();
    addRxPlugin(module.RxDBDevModePlugin);
  });
  return devModeReady;
}

export function defaultStorage(): RxStorage<unknown, unknown> {
  return getRxStorageDexie();
}

export async function openAccountDatabase(
  userId: string,
  handlers: ConflictHandlers,
  storage: RxStorage<unknown, unknown> = defaultStorage(),
): Promise<AccordDatabase> {
  await ensureDevMode();
  const db = await createRxDatabase<AccordCollections>({
    name: databaseName(userId),
    storage: withZodValidation(storage),
    multiInstance: false,
    eventReduce: true,
    localDocuments: true,
    closeDuplicates: true,
  });
  await db.addCollections({
    profiles: {
      schema: rxdbSchema('profile') as RxJsonSchema<ProfileDoc>,
      conflictHandler: handlers.profiles,
    },
    settings: {
      schema: rxdbSchema('settings') as RxJsonSchema<SettingsDoc>,
      conflictHandler: handlers.settings,
    },
    accounts: { schema: rxdbSchema('account') as RxJsonSchema<AccountDoc> },
    directory: { schema: directoryRxSchema() as RxJsonSchema<DirectoryDoc> },
  });
  return db;
}

/** Deletes every local copy of an account's data (used by "sign out and remove data"). */
export async function removeAccountDatabase(
  userId: string,
  storage: RxStorage<unknown, unknown> = defaultStorage(),
): Promise<void> {
  const name = databaseName(userId);
  await removeRxDatabase(name, withZodValidation(storage));
  if (storage.name === 'dexie') await deleteEmptiedIndexedDbs(name);
}

/**
 * RxDB's Dexie storage only empties its tables on remove; the IndexedDB databases themselves (one per
 * collection, named after the account) would stay on the device, so they are deleted too.
 */
async function deleteEmptiedIndexedDbs(name: string): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const prefix = `rxdb-dexie-${name}--`;
  const leftovers = (await indexedDB.databases())
    .map((database) => database.name ?? '')
    .filter((database) => database.startsWith(prefix));
  await Promise.all(
    leftovers.map(
      (database) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(database);
          request.onsuccess = () => {
            resolve();
          };
          // Blocked means a connection is still closing: the deletion is queued and completes after it.
          request.onblocked = () => {
            resolve();
          };
          request.onerror = () => {
            reject(request.error ?? new Error(`could not delete ${database}`));
          };
        }),
    ),
  );
}
