// A device for the latency benchmark: the app's replication client (renderer/sync) on an RxDB
// database in this process (memory storage), replicating one user's profile with a server.
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { rxdbSchema } from '#shared/policy/rxdb-schema';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc } from '#shared/policy/table';
import { mergeConflictHandler } from '../renderer/sync/conflict-handler.ts';
import { createDeviceClock } from '../renderer/sync/device-clock.ts';
import { replicateCollection } from '../renderer/sync/replicate.ts';

/** Moments of the sync path, for the latency breakdown (performance.now() times). */
export interface DeviceProbe {
  readonly onPushSent?: (at: number) => void;
  readonly onPushAnswered?: (at: number) => void;
  readonly onStreamData?: (at: number) => void;
}

export interface ProfileDevice {
  /** Applies a local edit the way the app does: stamp the changed fields, write to RxDB. */
  edit(patch: Readonly<Record<string, unknown>>): Promise<void>;
  /** Calls `listener` with every state of the user's profile this device stores. */
  watch(listener: (doc: Readonly<Record<string, unknown>>) => void): () => void;
  close(): Promise<void>;
}

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** Global fetch, noting when pushes leave and return and when stream data arrives. */
function probedFetch(probe: DeviceProbe): typeof fetch {
  return async (input, init) => {
    const isPush = init?.method === 'POST';
    if (isPush) probe.onPushSent?.(performance.now());
    const response = await fetch(input, init);
    if (isPush) probe.onPushAnswered?.(performance.now());
    const onData = probe.onStreamData;
    if (onData === undefined || response.body === null || !urlOf(input).endsWith('/stream')) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onData(performance.now());
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

export async function openProfileDevice(
  baseUrl: string,
  user: { readonly userId: string; readonly token: string },
  name: string,
  probe: DeviceProbe = {},
): Promise<ProfileDevice> {
  const clock = createDeviceClock(`bench_${name}`);
  const db: RxDatabase = await createRxDatabase({
    name: `bench${name}${Date.now().toString(36)}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
    eventReduce: true,
  });
  await db.addCollections({
    profiles: {
      schema: rxdbSchema('profile') as RxJsonSchema<AnyDoc>,
      conflictHandler: mergeConflictHandler('profile', () => 'user'),
    },
  });
  const collection = db.collections.profiles as RxCollection<AnyDoc>;
  const replication = replicateCollection({
    collection: collection as RxCollection,
    name: 'profiles',
    endpoint: { baseUrl, accessToken: () => user.token, fetch: probedFetch(probe) },
    identifier: `${user.userId}-${name}`,
    retryMs: 100,
    onPulled: (doc) => {
      clock.observeDoc(doc);
    },
  });
  // The stream is live once it connected; a change made before that could arrive only by a later pull.
  const streamReady = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name}: the stream did not connect within 10 s`));
    }, 10_000);
    const subscription = replication.streamConnected$.subscribe((connected) => {
      if (!connected) return;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve();
    });
  });
  await Promise.all([replication.state.awaitInitialReplication(), streamReady]);
  return {
    edit: async (patch) => {
      const doc = await collection.findOne(user.userId).exec();
      if (doc === null) throw new Error(`${name} has no profile yet`);
      await doc.incrementalModify((data) => applyLocalEdit('profile', data, patch, () => clock.now()));
    },
    watch: (listener) => {
      const subscription = collection.findOne(user.userId).$.subscribe((doc) => {
        if (doc !== null) listener(doc.toJSON());
      });
      return () => {
        subscription.unsubscribe();
      };
    },
    close: async () => {
      await replication.stop();
      await db.remove();
    },
  };
}
