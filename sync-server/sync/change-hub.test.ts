// The directory fan-out: streams waking on one change share one read per cursor, never a read that
// may predate the change, and every viewer still gets the projection for their own relation (I3).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatHlc } from '#shared/hlc';
import { newDocument, type AnyDoc } from '#shared/policy/table';
import { openStore } from '../storage/open-store.ts';
import type { DirectoryEntry, SyncStore } from '../storage/store.ts';
import { ChangeHub } from './change-hub.ts';
import { directoryDocFor } from './directory.ts';

const OWNER = '00000000-0000-4000-8000-000000000001';
const FRIEND = '00000000-0000-4000-8000-000000000002';
const PEST = '00000000-0000-4000-8000-000000000003';
const STRANGER = '00000000-0000-4000-8000-000000000004';
const at = (counter: number) => formatHlc({ wall: Date.UTC(2026, 0, 1), counter, node: 'test' });

let dataDir: string;
let store: SyncStore;
let hub: ChangeHub;

async function writeProfile(patch: Partial<AnyDoc>): Promise<void> {
  const current = await store.getDocument('profiles', OWNER);
  const data = { ...(current?.data ?? newDocument('profile', OWNER)), ...patch } as AnyDoc;
  await store.writeDocument('profiles', OWNER, () => ({
    write: { data, deleted: false, ownerId: OWNER },
    result: undefined,
  }));
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'accord-hub-'));
  store = await openStore({ dataDir });
  await store.migrate();
  for (const [id, email] of [
    [OWNER, 'owner@example.test'],
    [FRIEND, 'friend@example.test'],
    [PEST, 'pest@example.test'],
    [STRANGER, 'stranger@example.test'],
  ] as const) {
    await store.createUser({
      id,
      email,
      passwordHash: 'unused',
      role: 'user',
      createdAt: new Date().toISOString(),
      // Unconfirmed addresses stay out of the directory.
      emailVerified: true,
    });
  }
  hub = new ChangeHub(store);
});
afterEach(async () => {
  hub.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('ChangeHub.directorySince', () => {
  it('runs one store read for every caller with the same cursor', async () => {
    await writeProfile({ displayName: 'Olivia' });
    const read = vi.spyOn(store, 'directorySince');
    const since = { seq: 0, id: '' };
    const results = await Promise.all(Array.from({ length: 50 }, () => hub.directorySince(since, 201)));
    expect(read).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.map((entry) => entry.ownerId)).toEqual([OWNER]);

    await hub.directorySince({ seq: 1, id: '' }, 201);
    await hub.directorySince(since, 50);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('never shares a read across a change: after an event the next caller reads again and sees it', async () => {
    await writeProfile({ displayName: 'Olivia' });
    const read = vi.spyOn(store, 'directorySince');
    const since = { seq: 0, id: '' };
    const before = await hub.directorySince(since, 201);
    await writeProfile({ displayName: 'Olivia Owner' });
    const after = await hub.directorySince(since, 201);
    expect(read).toHaveBeenCalledTimes(2);
    expect(after[0]?.profile?.data.displayName).toBe('Olivia Owner');
    expect(before[0]?.profile?.data.displayName).toBe('Olivia');
  });

  it('does not keep a failed read', async () => {
    const since = { seq: 0, id: '' };
    const read = vi.spyOn(store, 'directorySince').mockRejectedValueOnce(new Error('database busy'));
    await expect(hub.directorySince(since, 201)).rejects.toThrow('database busy');
    await expect(hub.directorySince(since, 201)).resolves.toEqual([]);
    expect(read).toHaveBeenCalledTimes(2);
  });
});

describe('directoryDocFor on a shared entry', () => {
  it('gives each relation its own projection, and the same object to viewers with the same relation', async () => {
    await writeProfile({
      displayName: 'Olivia',
      timeZone: 'Europe/Berlin', // contacts by default
      legalName: 'Olivia Owner', // private by default
      contacts: [{ id: FRIEND, at: at(1), removed: false }],
      blocked: [{ id: PEST, at: at(2), removed: false }],
      clocks: { displayName: at(0), timeZone: at(0), legalName: at(0), contacts: at(1), blocked: at(2) },
    });
    const [entry] = await hub.directorySince(undefined, 10);
    if (entry === undefined) throw new Error('no directory entry');
    const sharedEntry: DirectoryEntry = entry;

    const friend = directoryDocFor(sharedEntry, FRIEND);
    const stranger = directoryDocFor(sharedEntry, STRANGER);
    const pest = directoryDocFor(sharedEntry, PEST);
    expect(friend).toMatchObject({ displayName: 'Olivia', timeZone: 'Europe/Berlin', _deleted: false });
    expect(stranger).toMatchObject({ displayName: 'Olivia', _deleted: false });
    expect(stranger).not.toHaveProperty('timeZone');
    for (const seen of [friend, stranger]) {
      expect(seen).not.toHaveProperty('legalName');
      expect(seen).not.toHaveProperty('contacts');
      expect(seen).not.toHaveProperty('blocked');
    }
    expect(pest).toEqual({ id: OWNER, clocks: {}, _deleted: true });
    expect(directoryDocFor(sharedEntry, OWNER)).toBeUndefined();

    // Another stranger gets the very same (immutable) document: projected once per relation.
    const anotherStranger = '00000000-0000-4000-8000-000000000005';
    expect(directoryDocFor(sharedEntry, anotherStranger)).toBe(stranger);
    expect(directoryDocFor(sharedEntry, FRIEND)).toBe(friend);
  });
});
