// A simulated device: a real RxDB database (memory storage) replicating with a test server,
// with an on/off network switch and logs of rejections and merge decisions.
import { randomBytes } from 'node:crypto';
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { MergeDecision } from '#shared/merge/merge';
import { directoryRxSchema, rxdbSchema } from '#shared/policy/rxdb-schema';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc, EntityName } from '#shared/policy/table';
import type { Rejection } from '#shared/policy/validate-push';
import type { SyncCollectionName } from '#shared/contract/sync';
import { mergeConflictHandler, RefusedFields } from '../../renderer/sync/conflict-handler.ts';
import { createDeviceClock, type DeviceClock } from '../../renderer/sync/device-clock.ts';
import { replicateCollection, type CollectionReplication } from '../../renderer/sync/replicate.ts';
import type { SyncEndpoint } from '../../renderer/sync/http-client.ts';
import type { TestServer, TestUser } from './server.ts';

const collectionNames: readonly SyncCollectionName[] = ['profiles', 'settings', 'accounts', 'directory'];
const entityOf = { profiles: 'profile', settings: 'settings', accounts: 'account' } as const;

export interface Device {
  readonly name: string;
  readonly db: RxDatabase;
  readonly clock: DeviceClock;
  readonly rejections: Rejection[];
  readonly decisions: { entity: EntityName; docId: string; decisions: MergeDecision[] }[];
  online: boolean;
  setOnline(online: boolean): void;
  edit(collection: 'profiles' | 'settings', patch: Record<string, unknown>): Promise<void>;
  doc(collection: SyncCollectionName, id: string): Promise<Record<string, unknown> | undefined>;
  /** Waits until every replication has pushed and pulled what it has. */
  sync(): Promise<void>;
  /**
   * True when every replication finished its first round and has no pull or push running now:
   * a cheap check to poll (`sync()` waits for RxDB's idle queue, tens of milliseconds each).
   */
  isIdle(): boolean;
  close(): Promise<void>;
}

/** Optional knobs for fault and model tests; every one defaults to the plain device. */
export interface DeviceOptions {
  /** The device's physical clock (skew it to simulate a wrong system time). */
  readonly physicalNow?: () => number;
  /**
   * Wraps the device's network: every request (pull, push, stream) goes through it, after the
   * on/off switch. Use it to duplicate, delay, reorder or record deliveries.
   */
  readonly fetch?: typeof fetch;
  /** Where the device connects, e.g. a TCP proxy in front of the server (default: the server's URL). */
  readonly baseUrl?: string;
  /** Retry and reconnect delay of the replication (default 100 ms). */
  readonly retryMs?: number;
  /** Wait for the first sync before returning (default true); poll `isIdle()` instead when false. */
  readonly waitForSync?: boolean;
}

/**
 * RxDB's open-source build allows 16 open collections per process, so a test device opens only
 * the collections it needs (all four by default).
 */
export async function openDevice(
  server: Pick<TestServer, 'url'>,
  user: TestUser,
  name: string,
  collections: readonly SyncCollectionName[] = collectionNames,
  options: DeviceOptions = {},
): Promise<Device> {
  const rejections: Rejection[] = [];
  const decisions: Device['decisions'] = [];
  const clock = createDeviceClock(`dev_${name}`, options.physicalNow);
  const db = await createRxDatabase({
    name: `device${randomBytes(6).toString('hex')}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
    eventReduce: true,
  });
  const role = () => user.role;
  const onDecisions = (entity: EntityName, docId: string, list: MergeDecision[]) =>
    decisions.push({ entity, docId, decisions: list });
  const refused = { profiles: new RefusedFields(), settings: new RefusedFields() };
  const creators = {
    profiles: {
      schema: rxdbSchema('profile') as RxJsonSchema<AnyDoc>,
      conflictHandler: mergeConflictHandler('profile', role, onDecisions, refused.profiles),
    },
    settings: {
      schema: rxdbSchema('settings') as RxJsonSchema<AnyDoc>,
      conflictHandler: mergeConflictHandler('settings', role, onDecisions, refused.settings),
    },
    accounts: { schema: rxdbSchema('account') as RxJsonSchema<AnyDoc> },
    directory: { schema: directoryRxSchema() as RxJsonSchema<AnyDoc> },
  };
  await db.addCollections(
    Object.fromEntries(collections.map((collection) => [collection, creators[collection]])),
  );

  const device: Device = {
    name,
    db,
    clock,
    rejections,
    decisions,
    online: true,
    setOnline: (online) => {
      device.online = online;
      for (const replication of replications) replication.reconnect();
    },
    edit: async (collection, patch) => {
      const doc = await (db.collections[collection] as RxCollection<AnyDoc>).findOne(user.userId).exec();
      if (doc === null) throw new Error(`${name} has no ${collection} document yet`);
      await doc.incrementalModify((data) =>
        applyLocalEdit(entityOf[collection], data, patch, () => clock.now()),
      );
    },
    doc: async (collection, id) => {
      if (!Object.hasOwn(db.collections, collection)) throw new Error(`${name} did not open ${collection}`);
      const doc = await (db.collections[collection] as RxCollection<AnyDoc>).findOne(id).exec();
      if (doc === null) return undefined;
      const {
        _meta: _m,
        _rev: _r,
        _attachments: _a,
        ...data
      } = doc.toMutableJSON(true) as Record<string, unknown>;
      return data;
    },
    sync: async () => {
      for (const replication of replications) {
        await replication.state.awaitInSync();
      }
    },
    isIdle: () => activity.every((state) => state.started && !state.active),
    close: async () => {
      for (const replication of replications) await replication.stop();
      await db.close();
    },
  };

  const network = options.fetch ?? fetch;
  const endpoint: SyncEndpoint = {
    baseUrl: options.baseUrl ?? server.url,
    accessToken: () => user.token,
    fetch: (input, init) =>
      device.online ? network(input, init) : Promise.reject(new TypeError('offline (simulated)')),
  };
  const replications: CollectionReplication[] = collections.map((collectionName) =>
    replicateCollection({
      collection: db.collections[collectionName] as RxCollection,
      name: collectionName,
      endpoint,
      identifier: `${user.userId}-${name}`,
      retryMs: options.retryMs ?? 100,
      onRejections: (collection, list) => {
        rejections.push(...list);
        if (collection === 'profiles' || collection === 'settings') refused[collection].note(list);
      },
      onPulled: (doc) => {
        clock.observeDoc(doc);
      },
    }),
  );
  const activity = replications.map((replication) => {
    const state = { started: false, active: true };
    replication.state.active$.subscribe((active) => {
      state.active = active;
    });
    void replication.state.awaitInitialReplication().then(
      () => {
        state.started = true;
      },
      () => undefined,
    );
    return state;
  });
  if (options.waitForSync ?? true) await device.sync();
  return device;
}

/** Polls until `check` passes or the time runs out (sync is asynchronous; tests wait, bounded). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
