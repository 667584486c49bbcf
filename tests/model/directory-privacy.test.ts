// Directory privacy (I3) against the real server and real RxDB devices: random sequences of the
// owner's privacy choices (field visibility, contacts, blocking, discoverability). After each one,
// every viewer's device holds exactly the owner's projection for that viewer (a field that became
// hidden is gone from their device), and no body a viewer received ever held one of the owner's
// canaries (private and owner fields, a field the owner made private, a removed element's id).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putEntry, removeEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { LeakDetector, plantCanaries } from '../helpers/canary.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';
import { pushOwnPatch, type OwnerApi } from '../helpers/owner-api.ts';
import { startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';
import { plain, projectionFor, relationOf, type Docs } from './model.ts';

const RUNS = Number(process.env.PRIVACY_RUNS ?? 12);
const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

type Viewer = 'friend' | 'stranger';
type Step =
  | { readonly kind: 'visibility'; readonly field: string; readonly level: 'public' | 'contacts' | 'private' }
  | { readonly kind: 'contact' | 'block'; readonly who: Viewer; readonly add: boolean }
  | { readonly kind: 'discoverable'; readonly value: boolean };

/** Fields whose level the owner may choose and that hold no canary (those stay hidden). */
const choosable = ['bio', 'headline', 'links', 'timeZone', 'locale', 'avatar'] as const;

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('visibility' as const),
      field: fc.constantFrom(...choosable),
      level: fc.constantFrom('public' as const, 'contacts' as const, 'private' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('contact' as const),
      who: fc.constantFrom<Viewer>('friend', 'stranger'),
      add: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('block' as const),
      who: fc.constantFrom<Viewer>('friend', 'stranger'),
      add: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('discoverable' as const), value: fc.boolean() }) },
);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
});
afterAll(async () => {
  await server.stop();
});

async function ownerDocs(owner: TestUser): Promise<Docs> {
  const read = async (collection: 'profiles' | 'settings') =>
    plain((await server.server.store.getDocument(collection, owner.userId))?.data ?? {});
  return { profile: await read('profiles'), settings: await read('settings') };
}

function entries(value: unknown): AnySetEntry[] {
  return Array.isArray(value) ? (value as AnySetEntry[]) : [];
}

async function apply(api: OwnerApi, step: Step, ids: Record<Viewer, string>): Promise<void> {
  switch (step.kind) {
    case 'visibility':
      await pushOwnPatch(api, 'settings', (doc) => ({
        visibility: { ...(doc.visibility as Record<string, string>), [step.field]: step.level },
      }));
      return;
    case 'discoverable':
      await pushOwnPatch(api, 'settings', () => ({ discoverable: step.value }));
      return;
    case 'contact':
    case 'block': {
      const field = step.kind === 'contact' ? 'contacts' : 'blocked';
      const id = ids[step.who];
      await pushOwnPatch(api, 'profiles', (doc, stamp) => ({
        [field]: step.add
          ? putEntry(entries(doc[field]), { id, at: stamp(), removed: false })
          : removeEntry(entries(doc[field]), id, stamp()),
      }));
      return;
    }
  }
}

describe('directory privacy', () => {
  it(`each viewer holds exactly their projection and never receives a canary (${RUNS} runs, seed ${SEED})`, async () => {
    let steps = 0;
    let relations = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 6 }), async (plan) => {
        const [owner, friend, stranger] = await Promise.all(
          ['owner', 'friend', 'stranger'].map((name) => server.createUser(name)),
        );
        if (owner === undefined || friend === undefined || stranger === undefined)
          throw new Error('no users');
        const api = { baseUrl: server.url, token: owner.token };
        await plantCanaries(api, owner.userId);
        // Visible material in the fields whose level changes, so hiding one is observable.
        await pushOwnPatch(api, 'profiles', (doc, stamp) => ({
          bio: 'A public bio',
          headline: 'A headline',
          timeZone: 'Europe/Berlin',
          locale: 'de-DE',
          avatar: { hash: 'a'.repeat(64), mime: 'image/png', size: 1024 },
          links: putEntry(entries(doc.links), {
            id: 'home',
            at: stamp(),
            removed: false,
            value: { label: 'Home', url: 'https://example.com' },
          }),
          contacts: putEntry(entries(doc.contacts), { id: friend.userId, at: stamp(), removed: false }),
        }));
        const leaks = new LeakDetector();
        const viewers: [Viewer, TestUser][] = [
          ['friend', friend],
          ['stranger', stranger],
        ];
        const devices: Device[] = [];
        try {
          for (const [name, user] of viewers) {
            devices.push(
              await openDevice(server, user, name, ['directory'], { fetch: leaks.wrapFetch(fetch) }),
            );
          }
          const check = async () => {
            const docs = await ownerDocs(owner);
            for (const [index, [name, user]] of viewers.entries()) {
              relations.add(relationOf(docs, user.userId));
              const held = await devices[index]?.doc('directory', owner.userId);
              expect(held === undefined ? undefined : plain(held), `${name} holds their projection`).toEqual(
                projectionFor(docs, user.userId),
              );
            }
          };
          await eventually(check);
          for (const step of plan) {
            await apply(api, step, { friend: friend.userId, stranger: stranger.userId });
            steps += 1;
            await eventually(check);
          }
          expect(leaks.scanned).toBeGreaterThan(0);
          leaks.assertNoLeaks();
        } finally {
          for (const device of devices) await device.close();
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.info(
      `directory privacy: ${RUNS} runs, ${steps} privacy changes, relations seen: ${[...relations].sort().join(', ')}`,
    );
    relations = new Set();
  }, 300_000);
});
