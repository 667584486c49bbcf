// Replication end to end: real RxDB devices against a real server on loopback, SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/canonical';
import { requirePostgres } from '../helpers/postgres.ts';
import { startTestServer, type Dialect, type TestServer } from '../helpers/server.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(dialects)('replication on %s', (dialect) => {
  let server: TestServer;
  const devices: Device[] = [];
  const open = async (...args: Parameters<typeof openDevice>) => {
    const device = await openDevice(...args);
    devices.push(device);
    return device;
  };

  beforeEach(async () => {
    server = await startTestServer({ dialect });
  });
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close();
    await server.stop();
  });

  async function serverDoc(collection: 'profiles' | 'settings', id: string) {
    const stored = await server.server.store.getDocument(collection, id);
    return stored?.data;
  }

  it('two devices editing offline converge per field, the later edit winning a shared field (I1, I2)', async () => {
    const user = await server.createUser('ann');
    const laptop = await open(server, user, 'laptop');
    const phone = await open(server, user, 'phone');

    laptop.setOnline(false);
    phone.setOnline(false);
    await laptop.edit('profiles', { displayName: 'Ann from laptop', bio: 'Written on the laptop' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await phone.edit('profiles', { displayName: 'Ann from phone', headline: 'Written on the phone' });

    laptop.setOnline(true);
    await laptop.sync();
    phone.setOnline(true);
    await phone.sync();
    await laptop.sync();

    await eventually(async () => {
      const master = await serverDoc('profiles', user.userId);
      expect(master).toMatchObject({
        displayName: 'Ann from phone',
        bio: 'Written on the laptop',
        headline: 'Written on the phone',
      });
      for (const device of [laptop, phone]) {
        const local = await device.doc('profiles', user.userId);
        expect(canonicalJson(stripDeleted(local))).toBe(canonicalJson(master));
      }
    });
    const decision = phone.decisions.flatMap((d) => d.decisions).find((d) => d.field === 'displayName');
    expect(decision).toMatchObject({
      rule: 'lww',
      winner: 'local',
      local: 'Ann from phone',
      remote: 'Ann from laptop',
    });
  });

  it('rejects an admin-only field pushed by a user, records why, and the device converges to the server value (I4)', async () => {
    const user = await server.createUser('bob');
    const device = await open(server, user, 'desk');
    await device.edit('profiles', { badge: 'staff', pronouns: 'he/him' });
    await device.sync();
    await eventually(async () => {
      expect(device.rejections).toContainEqual(
        expect.objectContaining({ docId: user.userId, field: 'badge', code: 'forbidden_field' }),
      );
      const local = await device.doc('profiles', user.userId);
      expect(local).toMatchObject({ badge: 'none', pronouns: 'he/him' });
    });
    expect(await serverDoc('profiles', user.userId)).toMatchObject({ badge: 'none', pronouns: 'he/him' });
  });

  it('an admin may set the admin-only field on their own profile', async () => {
    const admin = await server.createUser('root', 'admin');
    const device = await open(server, admin, 'console');
    await device.edit('profiles', { badge: 'staff' });
    await device.sync();
    await eventually(async () => {
      expect(await serverDoc('profiles', admin.userId)).toMatchObject({ badge: 'staff' });
    });
    expect(device.rejections).toEqual([]);
  });

  it('keeps every acknowledged edit across a server restart mid-session', async () => {
    const user = await server.createUser('cat');
    const device = await open(server, user, 'tablet');
    await device.edit('profiles', { displayName: 'Cat 1' });
    await device.sync();
    await server.restart();
    await device.edit('profiles', { bio: 'after restart' });
    await device.edit('settings', { theme: 'dark' });
    device.setOnline(true);
    await eventually(async () => {
      expect(await serverDoc('profiles', user.userId)).toMatchObject({
        displayName: 'Cat 1',
        bio: 'after restart',
      });
      expect(await serverDoc('settings', user.userId)).toMatchObject({ theme: 'dark' });
    }, 15_000);
  });

  it('projects the directory per viewer and removes a field that became hidden (I3)', async () => {
    const owner = await server.createUser('owner');
    const friend = await server.createUser('friend');
    const stranger = await server.createUser('stranger');
    const pest = await server.createUser('pest');
    const ownerDevice = await open(server, owner, 'owner', ['profiles', 'settings']);
    const at = () => ownerDevice.clock.now();
    await ownerDevice.edit('profiles', {
      legalName: 'Olivia Owner',
      bio: 'for contacts only',
      headline: 'Public headline',
      contacts: [{ id: friend.userId, at: at(), removed: false }],
      blocked: [{ id: pest.userId, at: at(), removed: false }],
    });
    await ownerDevice.edit('settings', { visibility: { bio: 'contacts' } });
    await ownerDevice.sync();

    const friendDevice = await open(server, friend, 'friend', ['directory']);
    const strangerDevice = await open(server, stranger, 'stranger', ['directory']);
    const pestDevice = await open(server, pest, 'pest', ['directory']);
    await eventually(async () => {
      const seenByFriend = await friendDevice.doc('directory', owner.userId);
      expect(seenByFriend).toMatchObject({ headline: 'Public headline', bio: 'for contacts only' });
      expect(seenByFriend).not.toHaveProperty('legalName');
      expect(seenByFriend).not.toHaveProperty('contacts');
      expect(seenByFriend).not.toHaveProperty('blocked');
      const seenByStranger = await strangerDevice.doc('directory', owner.userId);
      expect(seenByStranger).toMatchObject({ headline: 'Public headline' });
      expect(seenByStranger).not.toHaveProperty('bio');
      expect(seenByStranger).not.toHaveProperty('legalName');
      expect(await pestDevice.doc('directory', owner.userId)).toBeUndefined();
    });
    expect(await friendDevice.doc('directory', friend.userId)).toBeUndefined();

    // Narrowing a field and dropping a contact reach the viewers through the live stream.
    await ownerDevice.edit('settings', { visibility: { bio: 'contacts', headline: 'private' } });
    await ownerDevice.edit('profiles', { contacts: [{ id: friend.userId, at: at(), removed: true }] });
    await ownerDevice.sync();
    await eventually(async () => {
      const seenByStranger = await strangerDevice.doc('directory', owner.userId);
      expect(seenByStranger).toBeDefined();
      expect(seenByStranger).not.toHaveProperty('headline');
      const seenByFriend = await friendDevice.doc('directory', owner.userId);
      expect(seenByFriend).not.toHaveProperty('bio');
      expect(seenByFriend).not.toHaveProperty('headline');
    });
  });

  it('a device one schema version behind (missing newer fields) keeps syncing', async () => {
    const user = await server.createUser('old');
    const master = await serverDoc('profiles', user.userId);
    if (master === undefined) throw new Error('no profile');
    const { links: _links, badge: _badge, ...older } = master;
    const clocks = { ...(master.clocks as Record<string, string>), pronouns: server.server.clock.now() };
    const response = await fetch(`${server.url}/api/sync/profiles/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        rows: [
          {
            assumedMasterState: { ...master, _deleted: false },
            newDocumentState: { ...older, pronouns: 'they/them', clocks, _deleted: false },
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rejections: unknown[] };
    expect(body.rejections).toEqual([]);
    expect(await serverDoc('profiles', user.userId)).toMatchObject({
      pronouns: 'they/them',
      links: [],
      badge: 'none',
    });
  });
});

function stripDeleted(doc: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (doc === undefined) return undefined;
  const { _deleted: _ignored, ...rest } = doc;
  return rest;
}
