// Partitions (I1, I2, I3): a TCP proxy between real RxDB devices and the server refuses, black-holes,
// delays and duplicates connections, resets them all (event streams included) and cuts event
// streams mid-message, while two devices of one user keep editing. Nobody touches the devices'
// network switches or reconnects them: after the network heals they recover on their own and
// converge, the last edit of each field by clock wins, no added element is lost, and the second
// user's directory entry is the projection with no canary ever received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareHlc } from '#shared/hlc';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { LeakDetector, plantCanaries } from '../helpers/canary.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TcpProxy, type ProxyFault } from '../helpers/tcp-proxy.ts';
import { plain, projectionFor, sameDoc, type Docs } from '../model/model.ts';

const PHASES = Number(process.env.PARTITION_PHASES ?? 30);
const SEED = Number(process.env.PARTITION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PHASE_MS = 120;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faults: readonly (ProxyFault | 'reset')[] = [
  { kind: 'none' },
  { kind: 'refuse' },
  { kind: 'blackhole' },
  { kind: 'delay', ms: 40 },
  { kind: 'delay', ms: 5 },
  { kind: 'duplicate' },
  { kind: 'cut-streams', afterBytes: 40 },
  { kind: 'cut-streams', afterBytes: 300 },
  'reset',
];

let server: TestServer;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  proxy = new TcpProxy(server.port);
  await proxy.start();
});
afterAll(async () => {
  await proxy.stop();
  await server.stop();
});

interface LwwEdit {
  readonly field: string;
  readonly value: string;
  readonly clock: string;
}

async function docsOf(device: Device, id: string): Promise<Docs | undefined> {
  const profile = await device.doc('profiles', id);
  const settings = await device.doc('settings', id);
  return profile === undefined || settings === undefined
    ? undefined
    : { profile: plain(profile), settings: plain(settings) };
}

describe('network faults between devices and the server', () => {
  it(`devices recover without user action and converge (${PHASES} phases, seed ${SEED})`, async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('empty choice');
      return item;
    };
    const owner = await server.createUser('owner');
    const viewer = await server.createUser('viewer');
    await plantCanaries({ baseUrl: server.url, token: owner.token }, owner.userId);
    const leaks = new LeakDetector();
    const via = { url: proxy.url };
    const devices = [
      await openDevice(via, owner, 'laptop', ['profiles', 'settings']),
      await openDevice(via, owner, 'phone', ['profiles', 'settings']),
    ];
    const viewerDevice = await openDevice(via, viewer, 'viewer', ['directory'], {
      fetch: leaks.wrapFetch(fetch),
    });
    const lww: LwwEdit[] = [];
    const added: string[] = [];
    const seen = new Map<string, number>();
    try {
      for (let phase = 0; phase < PHASES; phase += 1) {
        const fault = pick(faults);
        const name = fault === 'reset' ? 'reset' : fault.kind;
        seen.set(name, (seen.get(name) ?? 0) + 1);
        if (fault === 'reset') {
          proxy.setFault({ kind: 'none' });
          proxy.resetAll();
        } else {
          // A path going bad also breaks what was open on it.
          if (fault.kind === 'refuse' || fault.kind === 'duplicate') proxy.resetAll();
          proxy.setFault(fault);
        }
        for (const [index, device] of devices.entries()) {
          const action = next();
          if (action < 0.4) {
            const field = pick(['displayName', 'bio', 'headline'] as const);
            const value = `${field} ${phase}.${index}`;
            await device.edit('profiles', { [field]: value });
            const local = await device.doc('profiles', owner.userId);
            const clock = (local?.clocks as Record<string, string> | undefined)?.[field];
            if (local?.[field] === value && clock !== undefined) lww.push({ field, value, clock });
          } else if (action < 0.75) {
            const id = `p${phase}d${index}`;
            const local = await device.doc('profiles', owner.userId);
            const contacts = (local?.contacts ?? []) as AnySetEntry[];
            await device.edit('profiles', {
              contacts: putEntry(contacts, { id, at: device.clock.now(), removed: false }),
            });
            added.push(id);
          } else {
            const local = await device.doc('settings', owner.userId);
            const visibility = (local?.visibility ?? {}) as Record<string, string>;
            const field = pick(['bio', 'headline'] as const);
            await device.edit('settings', {
              visibility: { ...visibility, [field]: pick(['public', 'contacts', 'private'] as const) },
            });
          }
        }
        await new Promise((resolve) => setTimeout(resolve, PHASE_MS * (0.5 + next())));
      }
      proxy.setFault({ kind: 'none' });

      // No setOnline, no reconnect: the devices must find their way back by themselves.
      await eventually(async () => {
        const stored = {
          profile: plain((await server.server.store.getDocument('profiles', owner.userId))?.data ?? {}),
          settings: plain((await server.server.store.getDocument('settings', owner.userId))?.data ?? {}),
        };
        for (const device of devices) {
          const local = await docsOf(device, owner.userId);
          expect(local, `${device.name} has its documents`).toBeDefined();
          if (local === undefined) return;
          expect(sameDoc(local.profile, stored.profile), `I1: ${device.name} profile`).toBe(true);
          expect(sameDoc(local.settings, stored.settings), `I1: ${device.name} settings`).toBe(true);
        }
        const entry = await viewerDevice.doc('directory', owner.userId);
        const expected = projectionFor(stored, viewer.userId);
        expect(
          entry === undefined ? undefined : plain(entry),
          'I1/I3: the viewer’s entry is the projection',
        ).toEqual(expected);
      }, 30_000);

      const final = plain((await server.server.store.getDocument('profiles', owner.userId))?.data ?? {});
      // I2: for each field, the edit with the latest clock is what everyone has.
      for (const field of new Set(lww.map((edit) => edit.field))) {
        const latest = lww
          .filter((edit) => edit.field === field)
          .reduce((a, b) => (compareHlc(a.clock, b.clock) >= 0 ? a : b));
        expect(final[field], `I2: ${field} is not its last edit`).toBe(latest.value);
      }
      const contacts = ((final.contacts ?? []) as AnySetEntry[]).filter((e) => !e.removed).map((e) => e.id);
      for (const id of added) expect(contacts, `I2: lost the added contact ${id}`).toContain(id);
      leaks.assertNoLeaks();
      expect(leaks.scanned).toBeGreaterThan(0);
      console.info(
        `partition: faults ${JSON.stringify(Object.fromEntries(seen))}; proxy ${JSON.stringify(proxy.stats)}; ` +
          `${lww.length} field edits, ${added.length} added elements`,
      );
    } finally {
      for (const device of [...devices, viewerDevice]) await device.close();
    }
  }, 180_000);
});
