// The rounds of the crash test (crash.test.ts) for one storage: provision accounts, start the
// server as a child process, then per round: bursts of multi-field pushes from four clients (two
// contend for one document), SIGKILL at a random moment, restart, and check that every
// acknowledged push is present exactly once, nothing unanswered is half-applied (all four text
// fields and both sets move together) and a retried unanswered push applies at most once.
import { rm } from 'node:fs/promises';
import type { ExpectStatic } from 'vitest';
import { canonicalJson } from '#shared/canonical';
import { HybridClock } from '#shared/hlc';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { AnyDoc } from '#shared/policy/table';
import { LeakDetector, plantCanaries } from '../helpers/canary.ts';
import { ChildServer, freePort } from '../helpers/child-server.ts';
import { pullOwn, pushRow, type OwnerApi } from '../helpers/owner-api.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { startTestServer, type Dialect, type TestUser } from '../helpers/server.ts';

/** Rounds (kill and restart) per storage. */
export const CRASH_ROUNDS = Number(process.env.CRASH_ROUNDS ?? 30);
export const CRASH_SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = CRASH_ROUNDS;
const SEED = CRASH_SEED;
const TEXT_FIELDS = ['displayName', 'bio', 'headline', 'pronouns'] as const;
/** Per round: user 0 has two clients that contend for one document; users 1 and 2 have one each. */
const CLIENTS_OF_USER = [2, 1, 1] as const;

/** mulberry32: a small seeded generator, so a failing round can be replayed with CRASH_SEED. */
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

interface Client {
  readonly name: string;
  readonly user: TestUser;
  readonly clock: HybridClock;
  master: Record<string, unknown>;
  next: number;
  readonly sent: string[];
  readonly acked: Set<string>;
  /** The push that was on the wire when the server died: its body, to retry it. */
  inDoubt: { id: string; assumed: Record<string, unknown>; pushed: Record<string, unknown> } | undefined;
  readonly failures: string[];
}

function ids(value: unknown, prefix = ''): string[] {
  return (Array.isArray(value) ? (value as AnySetEntry[]) : [])
    .filter((entry) => !entry.removed && entry.id.startsWith(prefix))
    .map((entry) => entry.id);
}

function nextState(client: Client, id: string): Record<string, unknown> {
  const stamp = () => client.clock.now();
  const element = (field: string) => {
    const current = client.master[field];
    return putEntry(Array.isArray(current) ? (current as AnySetEntry[]) : [], {
      id,
      at: stamp(),
      removed: false,
    });
  };
  const patch: Record<string, unknown> = { contacts: element('contacts'), blocked: element('blocked') };
  for (const field of TEXT_FIELDS) patch[field] = id;
  return { ...applyLocalEdit('profile', client.master as AnyDoc, patch, stamp), _deleted: false };
}

/** Pushes edits one after another until the server stops answering. */
async function burst(api: (client: Client) => OwnerApi, client: Client, onAck: () => void): Promise<void> {
  for (;;) {
    const id = `${client.name}k${client.next}`;
    if (!client.sent.includes(id)) client.sent.push(id);
    const assumed = client.master;
    const pushed = nextState(client, id);
    let answer: Awaited<ReturnType<typeof pushRow>>;
    try {
      answer = await pushRow(api(client), 'profiles', assumed, pushed);
    } catch {
      client.inDoubt = { id, assumed, pushed };
      return;
    }
    if (answer.status !== 200 || answer.body === undefined) {
      client.failures.push(`push ${id} answered ${answer.status}`);
      return;
    }
    const [conflict] = answer.body.conflicts;
    if (conflict === undefined) {
      client.acked.add(id);
      client.master = pushed;
      client.next += 1;
      onAck();
    } else if (ids(conflict.contacts).includes(id)) {
      // Applied, and the server's stored form differs (it re-stamped): still acknowledged.
      client.acked.add(id);
      client.master = conflict;
      client.next += 1;
      onAck();
    } else {
      // The other client of this user came first: merge is trivial (take theirs), push again.
      client.master = conflict;
    }
  }
}

/**
 * Provisions the accounts (through the test helper, on the storage the child will use), starts
 * the child server and runs the rounds. `check` is the calling test's own `expect`: the two
 * storages run as concurrent tests, each on its own child process.
 */
export async function runCrashRounds(dialect: Dialect, check: ExpectStatic): Promise<void> {
  const expect = check;
  // Accounts and sessions come from the test helper, on the storage the child will use.
  const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
  const setup = await startTestServer(database === undefined ? {} : { databaseUrl: database.url });
  const rounds: Client[][] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const clients: Client[] = [];
    for (const [u, count] of CLIENTS_OF_USER.entries()) {
      const user = await setup.createUser(`r${round}u${u}`);
      for (let c = 0; c < count; c += 1) {
        clients.push({
          name: `u${u}c${c}`,
          user,
          clock: new HybridClock(`crash_r${round}_u${u}_c${c}`),
          master: {},
          next: 1,
          sent: [],
          acked: new Set(),
          inDoubt: undefined,
          failures: [],
        });
      }
    }
    rounds.push(clients);
  }
  await setup.server.shutdown();
  const child = new ChildServer({
    port: await freePort(),
    dataDir: setup.dataDir,
    databaseUrl: database?.url,
  });
  try {
    await child.start();
    const next = random(SEED + (dialect === 'postgres' ? 1 : 0));
    // The first user's canaries never reach the other users' clients (I3), crash or not.
    const leaks = new LeakDetector();
    const scanned = leaks.wrapFetch(fetch);
    const api = (client: Client): OwnerApi => ({
      baseUrl: child.url,
      token: client.user.token,
      ...(client.name.startsWith('u0') ? {} : { fetch: scanned }),
    });
    let pushesAcked = 0;
    let inDoubtCommitted = 0;
    let inDoubtLost = 0;
    for (const [round, clients] of rounds.entries()) {
      const firstUser = clients[0];
      if (firstUser !== undefined) {
        await plantCanaries({ baseUrl: child.url, token: firstUser.user.token }, firstUser.user.userId);
      }
      for (const client of clients) client.master = await pullOwn(api(client), 'profiles');
      const initial = new Map(clients.map((client) => [client.user, client.master]));
      // Kill at a random moment once the bursts are under way (some pushes answered).
      const killAfterMs = Math.floor(next() * 80);
      const ackedBeforeKill = 1 + Math.floor(next() * 6);
      let acks = 0;
      let underWay: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (underWay = resolve));
      const bursts = clients.map((client) =>
        burst(api, client, () => {
          acks += 1;
          if (acks >= ackedBeforeKill) underWay();
        }),
      );
      await Promise.race([started, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      await child.kill('SIGKILL');
      await Promise.all(bursts);
      await child.start();

      const where = `round ${round} (${dialect}, killed ${killAfterMs} ms after ${ackedBeforeKill} answers, seed ${SEED})`;
      for (const client of clients) expect(client.failures, where).toEqual([]);
      const users = [...new Set(clients.map((client) => client.user))];
      for (const user of users) {
        const mine = clients.filter((client) => client.user === user);
        const [first] = mine;
        if (first === undefined) continue;
        let doc = await pullOwn(api(first), 'profiles');
        // All-or-nothing: the four text fields and both sets moved together, push by push.
        const marker = doc.displayName;
        if (ids(doc.contacts, 'u').length === 0) {
          for (const field of TEXT_FIELDS) {
            expect(doc[field], `${where}: ${field} changed without a push`).toBe(initial.get(user)?.[field]);
          }
        } else {
          for (const field of TEXT_FIELDS) expect(doc[field], `${where}: ${field} half-applied`).toBe(marker);
        }
        expect(ids(doc.blocked, 'u').sort(), `${where}: sets half-applied`).toEqual(
          ids(doc.contacts, 'u').sort(),
        );
        for (const client of mine) {
          const present = ids(doc.contacts, `${client.name}k`);
          // Acknowledged pushes are all there; nothing is there that was never sent; no gaps.
          for (const id of client.acked) expect(present, `${where}: lost acknowledged ${id}`).toContain(id);
          for (const id of present) expect(client.sent, `${where}: ${id} was never sent`).toContain(id);
          const expected = client.sent.slice(0, present.length);
          expect(present.sort(), `${where}: ${client.name} committed out of order`).toEqual(expected.sort());
          expect(
            present.length - client.acked.size,
            `${where}: more than the one push in doubt`,
          ).toBeLessThanOrEqual(1);
        }
        const lastCommitted = mine
          .map((client) => ids(doc.contacts, `${client.name}k`).length)
          .flatMap((count, i) => (count > 0 ? [`${mine[i]?.name ?? ''}k${count}`] : []));
        if (lastCommitted.length > 0) expect(lastCommitted, `${where}: stale text fields`).toContain(marker);

        // Retrying the push that was in doubt: applied at most once, whatever happened before.
        for (const client of mine) {
          const doubt = client.inDoubt;
          if (doubt === undefined) continue;
          const wasCommitted = ids(doc.contacts).includes(doubt.id);
          if (wasCommitted) inDoubtCommitted += 1;
          else inDoubtLost += 1;
          const retry = await pushRow(api(client), 'profiles', doubt.assumed, doubt.pushed);
          expect(retry.status, `${where}: retry of ${doubt.id}`).toBe(200);
          const after = await pullOwn(api(client), 'profiles');
          expect(
            ids(after.contacts).filter((id) => id === doubt.id).length,
            `${where}: ${doubt.id} twice`,
          ).toBeLessThanOrEqual(1);
          if (wasCommitted) {
            expect(canonicalJson(after), `${where}: a retried, committed push changed the document`).toBe(
              canonicalJson(doc),
            );
          }
          doc = after;
        }
        pushesAcked += mine.reduce((sum, client) => sum + client.acked.size, 0);
      }
    }
    expect(pushesAcked, 'the bursts pushed something').toBeGreaterThan(ROUNDS);
    expect(leaks.scanned).toBeGreaterThan(0);
    leaks.assertNoLeaks();
    const starts = child.startTimes;
    console.info(
      `crash (${dialect}): ${ROUNDS} kills, ${pushesAcked} acknowledged pushes, in doubt: ${inDoubtCommitted} committed / ${inDoubtLost} not; ` +
        `restart ${Math.round(starts.reduce((a, b) => a + b, 0) / starts.length)} ms on average`,
    );
  } finally {
    await child.kill();
    await rm(setup.dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}
