// The benchmark page: measures in the browser, reports to the driver. Each call opens fresh
// databases and removes them afterwards, so calls are independent.
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { Dexie } from 'dexie';
import { HybridClock } from '#shared/hlc';
import { directoryRxSchema, rxdbSchema } from '#shared/policy/rxdb-schema';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument, ProfileDoc, type AnyDoc } from '#shared/policy/table';
import { DirectoryDoc, withZodValidation } from '../../renderer/db/validation.ts';
import { replicateCollection } from '../../renderer/sync/replicate.ts';
import { PAGE_GLOBAL, type BenchPage, type DirectorySyncTimes, type LocalEditTimes } from './protocol.ts';

let databases = 0;
const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${(databases++).toString(36)}`;

function rawTable(name: string): Dexie {
  const raw = new Dexie(name);
  raw.version(1).stores({ docs: 'id', other: 'id', meta: 'id' });
  return raw;
}

async function localEdit(rounds: number, warmUp: number): Promise<LocalEditTimes> {
  const name = uniqueName('benchedit');
  const db = await createRxDatabase({
    name,
    // The app's storage: Dexie, every written document checked with the shared zod schemas.
    storage: withZodValidation(getRxStorageDexie()),
    multiInstance: false,
    eventReduce: true,
  });
  const raw = rawTable(`${name}raw`);
  try {
    await db.addCollections({ profiles: { schema: rxdbSchema('profile') as RxJsonSchema<AnyDoc> } });
    const profiles = db.collections.profiles as RxCollection<AnyDoc>;
    const clock = new HybridClock('bench_page');
    const start = applyLocalEdit(
      'profile',
      newDocument('profile', crypto.randomUUID()),
      {
        displayName: 'Page Person',
        headline: 'Measuring local edits',
        bio: 'A paragraph of bio. '.repeat(8),
      },
      () => clock.now(),
    );
    const doc = await profiles.insert(start);
    await raw.open();
    const rxdb: number[] = [];
    const dexie: number[] = [];
    const dexieReadThenPut: number[] = [];
    const own: number[] = [];
    const docs = raw.table('docs');
    const other = raw.table('other');
    for (let i = -warmUp; i < rounds; i++) {
      // The app's edit: stamp the changed fields with the device clock and write through RxDB.
      let t = performance.now();
      await doc.incrementalModify((data) =>
        applyLocalEdit('profile', data, { displayName: `Page Person ${i}`, headline: `Edit ${i}` }, () =>
          clock.now(),
        ),
      );
      const rxdbMs = performance.now() - t;
      // The same document, as RxDB stored it, written by Dexie alone.
      const same = doc.getLatest().toJSON(true);
      t = performance.now();
      await docs.put(same);
      const dexieMs = performance.now() - t;
      t = performance.now();
      await raw.transaction('rw', other, docs, async () => {
        await other.get(same.id);
        await other.put(same);
      });
      const readThenPutMs = performance.now() - t;
      // Accord's own work in the edit, alone: the stamping and the storage's zod check of the result.
      t = performance.now();
      const {
        _meta: _m,
        _rev: _r,
        _attachments: _a,
        _deleted: _d,
        ...data
      } = same as Record<string, unknown>;
      const next = applyLocalEdit('profile', data as AnyDoc, { displayName: `Own ${i}` }, () => clock.now());
      if (!ProfileDoc.safeParse(next).success) throw new Error('the edited profile is invalid');
      const ownMs = performance.now() - t;
      if (i >= 0) {
        rxdb.push(rxdbMs);
        dexie.push(dexieMs);
        dexieReadThenPut.push(readThenPutMs);
        own.push(ownMs);
      }
    }
    return { rxdb, dexie, dexieReadThenPut, own };
  } finally {
    raw.close();
    await Dexie.delete(`${name}raw`);
    await db.remove();
  }
}

async function directorySync(
  token: string,
  batchSize: number,
  timeoutMs: number,
): Promise<DirectorySyncTimes> {
  const name = uniqueName('benchdir');
  const db = await createRxDatabase({
    name,
    // The app's storage: Dexie, every written document checked with the shared zod schemas.
    storage: withZodValidation(getRxStorageDexie()),
    multiInstance: false,
    eventReduce: true,
  });
  const raw = rawTable(`${name}raw`);
  let pullRequests = 0;
  try {
    await db.addCollections({ directory: { schema: directoryRxSchema() as RxJsonSchema<AnyDoc> } });
    const directory = db.collections.directory as RxCollection<AnyDoc>;
    const started = performance.now();
    const replication = replicateCollection({
      collection: directory as RxCollection,
      name: 'directory',
      endpoint: {
        baseUrl: location.origin,
        accessToken: () => token,
        fetch: (input, init) => {
          pullRequests++;
          return fetch(input, init);
        },
      },
      identifier: name,
      live: false,
      batchSize,
    });
    const errors: unknown[] = [];
    const subscription = replication.state.error$.subscribe((error) => errors.push(error));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        replication.state.awaitInitialReplication(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`first sync not done after ${timeoutMs} ms: ${errors.map(String).join('; ')}`));
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      subscription.unsubscribe();
    }
    const syncMs = performance.now() - started;
    await replication.stop();

    const docs = (await directory.find().exec()).map((doc) => doc.toJSON(true));
    await raw.open();
    let t = performance.now();
    await raw.table('docs').bulkPut(docs);
    const bulkPutMs = performance.now() - t;
    // What RxDB's replication must store at least: each document and, beside it, its meta row
    // (the assumed master state), here as a second copy in another table, in one transaction.
    t = performance.now();
    await raw.transaction('rw', raw.table('other'), raw.table('meta'), async () => {
      await raw.table('other').bulkPut(docs);
      await raw.table('meta').bulkPut(docs);
    });
    const twiceMs = performance.now() - t;
    // Accord's own check of each document (the app runs it on the pulled batch and again on the
    // storage write): the shared zod schema, once over every document.
    t = performance.now();
    for (const doc of docs) {
      const { _deleted: _d, _meta: _m, _rev: _r, _attachments: _a, ...data } = doc as Record<string, unknown>;
      if (!DirectoryDoc.safeParse(data).success) throw new Error(`directory document ${doc.id} is invalid`);
    }
    const validateMs = performance.now() - t;
    return { syncMs, bulkPutMs, twiceMs, validateMs, documents: docs.length, pullRequests };
  } finally {
    raw.close();
    await Dexie.delete(`${name}raw`);
    await db.remove();
  }
}

const page: BenchPage = { localEdit, directorySync };
Object.assign(globalThis, { [PAGE_GLOBAL]: page });
document.title = 'Accord benchmark page (ready)';
