// The real system of one model run: a shared loopback server, three RxDB devices of one user
// (each behind a delivery shim, with a skewable clock) and one device of a second user whose every
// received byte is scanned for the first user's canaries. Plus the model state and the steps
// (reconcile a device, settle) that tie the two together.
import { removeRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { expect } from 'vitest';
import { compareHlc } from '#shared/hlc';
import { plantCanaries, LeakDetector } from '../helpers/canary.ts';
import { DeliveryControl, ExchangeLog } from '../helpers/delivery.ts';
import { openDevice, type Device } from '../helpers/device.ts';
import type { TestServer, TestUser } from '../helpers/server.ts';
import {
  cloneDocs,
  collectionOf,
  describeDifference,
  entities,
  mergeDocs,
  plain,
  projectionFor,
  sameDoc,
  serverApply,
  valuesOf,
  type Doc,
  type Docs,
} from './model.ts';

export const OWNER_DEVICES = 3;
const QUIESCE_TIMEOUT_MS = 10_000;

export interface OwnerDevice {
  readonly device: Device;
  readonly control: DeliveryControl;
  skewMs: number;
  /** How many of the device's rejection records were already checked. */
  seenRejections: number;
}

export interface World {
  readonly server: TestServer;
  readonly owner: TestUser;
  readonly viewer: TestUser;
  readonly devices: readonly OwnerDevice[];
  readonly viewerDevice: Device;
  /** Scans every body the second user receives (their device and their probes). */
  readonly leaks: LeakDetector;
  readonly viewerFetch: typeof fetch;
  readonly log: ExchangeLog;
  close(): Promise<void>;
}

export interface DeviceModel {
  online: boolean;
  /** The master the device last saw while it has changes the server has not taken yet. */
  base: Docs | undefined;
  /** What the device's own database must hold. */
  fork: Docs;
  /** `field:code` rejection records the device must receive before the next settle. */
  readonly expected: Set<string>;
  /** The device may miss expected records (it was answered with a duplicate's reply). */
  lenient: boolean;
}

export interface Model {
  server: Docs;
  readonly devices: DeviceModel[];
  viewerOnline: boolean;
  readonly ownerId: string;
  readonly viewerId: string;
}

export async function openWorld(server: TestServer): Promise<{ world: World; model: Model }> {
  const [owner, viewer] = await Promise.all([server.createUser('owner'), server.createUser('viewer')]);
  await plantCanaries({ baseUrl: server.url, token: owner.token }, owner.userId);
  const log = new ExchangeLog();
  const leaks = new LeakDetector();
  const viewerFetch = leaks.wrapFetch(fetch);
  const skews = Array.from({ length: OWNER_DEVICES }, () => ({ ms: 0 }));
  const opened: Device[] = [];
  try {
    const devices = await Promise.all(
      skews.map(async (skew, index) => {
        const control = new DeliveryControl(`d${index}`, log);
        const device = await openDevice(server, owner, `d${index}`, ['profiles', 'settings'], {
          physicalNow: () => Date.now() + skew.ms,
          fetch: control.fetch,
          waitForSync: false,
        });
        opened.push(device);
        const handle: OwnerDevice = {
          device,
          control,
          get skewMs() {
            return skew.ms;
          },
          set skewMs(ms: number) {
            skew.ms = ms;
          },
          seenRejections: 0,
        };
        return handle;
      }),
    );
    const viewerDevice = await openDevice(server, viewer, 'viewer', ['directory'], {
      fetch: viewerFetch,
      waitForSync: false,
    });
    opened.push(viewerDevice);
    const world: World = {
      server,
      owner,
      viewer,
      devices,
      viewerDevice,
      leaks,
      viewerFetch,
      log,
      close: () => closeDevices(opened),
    };
    const initial = await serverDocs(world);
    const model: Model = {
      server: initial,
      devices: devices.map(() => ({
        online: true,
        base: undefined,
        fork: cloneDocs(initial),
        expected: new Set<string>(),
        lenient: false,
      })),
      viewerOnline: true,
      ownerId: owner.userId,
      viewerId: viewer.userId,
    };
    await settle(world, model);
    return { world, model };
  } catch (error) {
    await closeDevices(opened);
    throw error;
  }
}

async function closeDevices(devices: readonly Device[]): Promise<void> {
  for (const device of devices) {
    await device.close();
    // Memory storage keeps a closed database's data for a later open; nothing reopens these.
    await removeRxDatabase(device.db.name, getRxStorageMemory());
  }
}

export async function serverDocs(world: World): Promise<Docs> {
  const read = async (entity: 'profile' | 'settings') => {
    const stored = await world.server.server.store.getDocument(collectionOf[entity], world.owner.userId);
    if (stored === undefined) throw new Error(`the server has no ${entity} of the owner`);
    return plain(stored.data);
  };
  return { profile: await read('profile'), settings: await read('settings') };
}

export async function serverSeqs(world: World): Promise<string> {
  const seqs = await Promise.all(
    entities.map(async (entity) => {
      const stored = await world.server.server.store.getDocument(collectionOf[entity], world.owner.userId);
      return `${entity}@${stored?.seq ?? 'none'}`;
    }),
  );
  return seqs.join(' ');
}

export async function localDocs(device: Device, ownerId: string): Promise<Docs | undefined> {
  const profile = await device.doc('profiles', ownerId);
  const settings = await device.doc('settings', ownerId);
  if (profile === undefined || settings === undefined) return undefined;
  return { profile: plain(profile), settings: plain(settings) };
}

function inSync(model: Model, index: number): boolean {
  const state = model.devices[index];
  return state !== undefined && state.online && state.base === undefined;
}

/** `field: a ≠ b` for every value or clock in which two documents differ. */
function differences(a: Doc, b: Doc): string {
  const names = [
    ...new Set([...Object.keys(a), ...Object.keys(b), ...Object.keys(a.clocks), ...Object.keys(b.clocks)]),
  ];
  const out: string[] = [];
  for (const name of names.sort()) {
    if (name === 'clocks') continue;
    if (JSON.stringify(a[name]) !== JSON.stringify(b[name])) {
      out.push(`${name}: ${JSON.stringify(a[name])} ≠ ${JSON.stringify(b[name])}`);
    }
    if (a.clocks[name] !== b.clocks[name]) out.push(`clocks.${name}: ${a.clocks[name]} ≠ ${b.clocks[name]}`);
  }
  return out.join('; ');
}

/** What differs between the replicas that must have converged and the server, if anything. */
async function divergence(world: World, model: Model): Promise<string | undefined> {
  const actual = await serverDocs(world);
  for (const [index, handle] of world.devices.entries()) {
    if (!inSync(model, index)) continue;
    const local = await localDocs(handle.device, world.owner.userId);
    if (local === undefined) return `d${index} has no documents`;
    for (const entity of entities) {
      if (!sameDoc(local[entity], actual[entity])) {
        return `d${index} ${entity} differs from the server in ${differences(local[entity], actual[entity])}`;
      }
    }
  }
  if (model.viewerOnline) {
    const seen = await world.viewerDevice.doc('directory', world.owner.userId);
    const expected = projectionFor(actual, world.viewer.userId);
    const got = seen === undefined || seen._deleted === true ? undefined : plain(seen);
    const same = got === undefined || expected === undefined ? got === expected : sameDoc(got, expected);
    if (!same) {
      return got === undefined || expected === undefined
        ? `the viewer sees ${got === undefined ? 'nothing' : 'the owner'}, the projection is ${expected === undefined ? 'nothing' : 'the owner'}`
        : `the viewer's entry differs from the projection in ${differences(got, expected)}`;
    }
  }
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function busy(world: World, model: Model): string | undefined {
  const waiting = world.devices.filter((_, index) => inSync(model, index)).map((handle) => handle.device);
  if (model.viewerOnline) waiting.push(world.viewerDevice);
  return waiting.find((device) => !device.isIdle())?.name;
}

/**
 * Waits until every online, in-sync device and the viewer agree with the server and have nothing
 * running, twice in a row a few milliseconds apart (a stream message may be on its way).
 */
export async function quiesce(world: World, model: Model): Promise<void> {
  const deadline = Date.now() + QUIESCE_TIMEOUT_MS;
  let calm = 0;
  for (;;) {
    const problem = (await divergence(world, model)) ?? busy(world, model);
    calm = problem === undefined ? calm + 1 : 0;
    if (calm === 3) return;
    if (Date.now() > deadline) {
      throw new Error(`I1: no convergence within ${QUIESCE_TIMEOUT_MS} ms: ${problem ?? 'still busy'}`);
    }
    await sleep(problem === undefined ? 8 : 4);
  }
}

/**
 * Quiesces, then checks the server against the model (I1), adopts the server's clocks (which may
 * only move forward), and checks each device got exactly the rejections the model expects (I4).
 */
export async function settle(world: World, model: Model): Promise<void> {
  await quiesce(world, model);
  const actual = await serverDocs(world);
  for (const entity of entities) {
    if (valuesOf(actual[entity]) !== valuesOf(model.server[entity])) {
      throw new Error(
        `I1: the server's ${entity} is not the model's: ${describeDifference(actual[entity], model.server[entity])}`,
      );
    }
    for (const [field, before] of Object.entries(model.server[entity].clocks)) {
      const after = actual[entity].clocks[field];
      expect(after, `clock of ${entity}.${field} went missing`).toBeDefined();
      if (after !== undefined) {
        expect(compareHlc(after, before), `clock of ${entity}.${field} went back`).toBeGreaterThanOrEqual(0);
      }
    }
  }
  model.server = actual;
  for (const [index, handle] of world.devices.entries()) {
    const state = model.devices[index];
    if (state === undefined) continue;
    if (inSync(model, index)) state.fork = cloneDocs(actual);
    const got = new Set(
      handle.device.rejections.slice(handle.seenRejections).map((r) => `${r.field}:${r.code}`),
    );
    handle.seenRejections = handle.device.rejections.length;
    const unexpected = [...got].filter((r) => !state.expected.has(r));
    expect(unexpected, `I4: d${index} got rejections the model does not expect`).toEqual([]);
    if (!state.lenient) {
      expect([...state.expected].sort(), `I4: d${index} was not told why`).toEqual([...got].sort());
    }
    state.expected.clear();
    state.lenient = false;
  }
}

/**
 * The model's account of a device pushing what it has: nothing when it changed nothing; its
 * fork against an unchanged master; else its merge with the new master (the server answered the
 * first push with a conflict). The server checks the pushed document; the device adopts the result.
 */
export function reconcile(model: Model, index: number): void {
  const state = model.devices[index];
  if (state?.base === undefined) return;
  const base = state.base;
  for (const entity of entities) {
    const fork = state.fork[entity];
    const master = model.server[entity];
    if (sameDoc(fork, base[entity])) {
      state.fork[entity] = structuredClone(master);
      continue;
    }
    const pushed = sameDoc(base[entity], master)
      ? fork
      : mergeDocs(entity, base[entity], fork, master, new Set());
    const verdict = serverApply(entity, master, pushed);
    for (const { field, code } of verdict.rejected) state.expected.add(`${field}:${code}`);
    model.server[entity] = verdict.doc;
    state.fork[entity] = structuredClone(verdict.doc);
  }
  state.base = undefined;
}
