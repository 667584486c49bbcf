// Account deletion end to end, on SQLite and PostgreSQL: sessions end and the profile leaves the
// directory at once, signing in offers restore, restore brings everything back, and after the grace
// period the purge erases personal data and its tombstones reach a device that syncs later.
import { rm } from 'node:fs/promises';
import { generate } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Me, SessionTokens, SignInResult } from '#shared/contract/auth';
import { newDocument } from '#shared/policy/table';
import { purgeDueAccounts } from '../../sync-server/accounts/deletion.ts';
import { purgeOnce } from '../../sync-server/accounts/purge-command.ts';
import { loadConfig } from '../../sync-server/config.ts';
import { openStore } from '../../sync-server/storage/open-store.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';
import { latestMail } from '../helpers/outbox.ts';
import { requirePostgres } from '../helpers/postgres.ts';
import {
  api,
  errorOf,
  startTestServer,
  type Dialect,
  type TestServer,
  type TestUser,
} from '../helpers/server.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];
const DAY = 24 * 60 * 60_000;

describe.each(dialects)('account deletion on %s', (dialect) => {
  let offset = 0;
  const now = () => Date.now() + offset;
  let server: TestServer;
  const devices: Device[] = [];
  const open = async (...args: Parameters<typeof openDevice>) => {
    const device = await openDevice(...args);
    devices.push(device);
    return device;
  };

  beforeEach(async () => {
    offset = 0;
    server = await startTestServer({ dialect, now });
  });
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close();
    await server.stop();
  });

  const signIn = (user: TestUser) =>
    api(server, 'POST', '/api/auth/sign-in', {
      body: { email: user.email, password: user.password, deviceName: 'Laptop' },
    });

  async function signInAgain(user: TestUser): Promise<void> {
    const result = SignInResult.parse((await signIn(user)).json);
    if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
    user.token = result.tokens.accessToken;
    user.refreshToken = result.tokens.refreshToken;
  }

  it('deletes, restores within the grace period, deletes again and purges after it', async () => {
    const owner = await server.createUser('owner');
    const viewer = await server.createUser('viewer');
    const ownerDevice = await open(server, owner, 'owner', ['profiles']);
    await ownerDevice.edit('profiles', { headline: 'Owner in public', bio: 'A personal bio' });
    await ownerDevice.sync();
    const viewerDevice = await open(server, viewer, 'viewer', ['directory']);
    await eventually(async () => {
      expect(await viewerDevice.doc('directory', owner.userId)).toMatchObject({
        headline: 'Owner in public',
      });
    });

    // The app shows the grace period before the user confirms.
    const before = Me.parse((await api(server, 'GET', '/api/auth/me', { token: owner.token })).json);
    expect(before.deletionGraceDays).toBe(30);

    // Deletion: sessions end and viewers get a tombstone at once.
    const requested = await api(server, 'POST', '/api/account/delete', {
      token: owner.token,
      body: { password: owner.password },
    });
    expect(requested.status).toBe(200);
    const { deletionDueAt } = requested.json as { deletionDueAt: string };
    expect(Math.round((Date.parse(deletionDueAt) - now()) / DAY)).toBe(before.deletionGraceDays);
    expect(errorOf(await api(server, 'GET', '/api/auth/me', { token: owner.token }))).toMatchObject({
      status: 401,
    });
    await eventually(async () => {
      expect(await viewerDevice.doc('directory', owner.userId)).toBeUndefined();
    });
    expect((await latestMail(server, owner.email, 'deletion-scheduled')).text).toContain(
      deletionDueAt.slice(0, 10),
    );

    // Signing in offers restore; restoring brings the profile back to viewers.
    const offered = SignInResult.parse((await signIn(owner)).json);
    if (offered.kind !== 'restore-offered') throw new Error(`expected restore-offered, got ${offered.kind}`);
    expect(offered.deletionDueAt).toBe(deletionDueAt);
    const badRestore = await api(server, 'POST', '/api/account/restore', {
      body: { restoreToken: 'rst_notarealtokennotarealtoken', deviceName: 'Laptop' },
    });
    expect(errorOf(badRestore)).toMatchObject({ status: 400 });
    const restored = await api(server, 'POST', '/api/account/restore', {
      body: { restoreToken: offered.restoreToken, deviceName: 'Laptop' },
    });
    expect(restored.status).toBe(200);
    owner.token = SessionTokens.parse(restored.json).accessToken;
    const me = Me.parse((await api(server, 'GET', '/api/auth/me', { token: owner.token })).json);
    expect(me).toMatchObject({ status: 'active', deletionDueAt: null });
    await eventually(async () => {
      expect(await viewerDevice.doc('directory', owner.userId)).toMatchObject({
        headline: 'Owner in public',
      });
    });
    await latestMail(server, owner.email, 'account-restored');

    // This device goes offline with its copy; it syncs again only after the purge.
    viewerDevice.setOnline(false);
    expect(
      (
        await api(server, 'POST', '/api/account/delete', {
          token: owner.token,
          body: { password: owner.password },
        })
      ).status,
    ).toBe(200);

    offset += 29 * DAY;
    expect(await purgeDueAccounts(server.server.accounts)).toBe(0);
    expect(SignInResult.parse((await signIn(owner)).json).kind).toBe('restore-offered');

    offset += 2 * DAY;
    expect(await purgeDueAccounts(server.server.accounts)).toBe(1);
    // Gone: signing in answers like an unknown address.
    const afterPurge = await signIn(owner);
    const unknown = await api(server, 'POST', '/api/auth/sign-in', {
      body: { email: 'never-registered@example.test', password: owner.password, deviceName: 'Laptop' },
    });
    expect(afterPurge.status).toBe(401);
    expect(afterPurge.json).toEqual(unknown.json);

    // What stays are tombstones holding nothing personal, and a receipt without personal data.
    const { store } = server.server;
    for (const [collection, entity] of [
      ['profiles', 'profile'],
      ['settings', 'settings'],
      ['accounts', 'account'],
    ] as const) {
      const stored = await store.getDocument(collection, owner.userId);
      expect(stored?.deleted).toBe(true);
      expect(stored?.data).toEqual(newDocument(entity, owner.userId));
    }
    const serialized = JSON.stringify(await store.getDocument('profiles', owner.userId));
    expect(serialized).not.toContain('A personal bio');
    expect(JSON.stringify(await store.getDocument('accounts', owner.userId))).not.toContain(owner.email);
    expect(await store.findUser(owner.userId)).toBeUndefined();
    const receipts = await store.listAuditEvents(owner.userId, undefined, 10);
    expect(receipts).toEqual([
      expect.objectContaining({ type: 'account_purged', actorId: null, ip: null, userAgent: null }),
    ]);
    expect(JSON.stringify(receipts)).not.toContain(owner.email);

    // The offline device signs in again (its tokens lapsed meanwhile) and wipes its copy on sync.
    expect(await viewerDevice.doc('directory', owner.userId)).toMatchObject({ headline: 'Owner in public' });
    await signInAgain(viewer);
    viewerDevice.setOnline(true);
    await eventually(async () => {
      expect(await viewerDevice.doc('directory', owner.userId)).toBeUndefined();
    });
  });

  it('asks for the password and a recent sign-in, and restore needs the second factor when it is on', async () => {
    const owner = await server.createUser('careful');
    const wrong = await api(server, 'POST', '/api/account/delete', {
      token: owner.token,
      body: { password: 'no' },
    });
    expect(errorOf(wrong)).toMatchObject({ status: 401, code: 'invalid_credentials' });
    offset += 11 * 60_000;
    const stale = await api(server, 'POST', '/api/account/delete', {
      token: owner.token,
      body: { password: owner.password },
    });
    expect(errorOf(stale)).toMatchObject({ status: 401, code: 'reauthentication_required' });

    // With two-factor on, restoring is a sign-in and needs the second factor as well.
    offset = 0;
    const guarded = await server.createUser('guarded');
    const setup = await api(server, 'POST', '/api/auth/2fa/setup', { token: guarded.token });
    const { secret } = setup.json as { secret: string };
    const code = () => generate({ secret, epoch: Math.floor(now() / 1000) });
    await api(server, 'POST', '/api/auth/2fa/confirm', {
      token: guarded.token,
      body: { totpCode: await code() },
    });
    await api(server, 'POST', '/api/account/delete', {
      token: guarded.token,
      body: { password: guarded.password },
    });
    offset += 120_000;
    const offered = SignInResult.parse((await signIn(guarded)).json);
    if (offered.kind !== 'restore-offered') throw new Error(`expected restore-offered, got ${offered.kind}`);
    expect(offered.secondFactorRequired).toBe(true);
    const restore = (extra: Record<string, string>) =>
      api(server, 'POST', '/api/account/restore', {
        body: { restoreToken: offered.restoreToken, deviceName: 'Laptop', ...extra },
      });
    expect(errorOf(await restore({}))).toMatchObject({ status: 401, code: 'second_factor_required' });
    const right = await code();
    expect(errorOf(await restore({ totpCode: right === '000000' ? '000001' : '000000' }))).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect((await restore({ totpCode: right })).status).toBe(200);
  });
});

describe('the grace period setting', () => {
  it('is what the account reports before deleting, and what the deletion date follows', async () => {
    const server = await startTestServer({ env: { ACCOUNT_DELETION_GRACE_DAYS: '7' } });
    try {
      const user = await server.createUser('brief');
      const me = Me.parse((await api(server, 'GET', '/api/auth/me', { token: user.token })).json);
      expect(me.deletionGraceDays).toBe(7);
      const requested = await api(server, 'POST', '/api/account/delete', {
        token: user.token,
        body: { password: user.password },
      });
      const { deletionDueAt } = requested.json as { deletionDueAt: string };
      expect(Math.round((Date.parse(deletionDueAt) - Date.now()) / DAY)).toBe(7);
    } finally {
      await server.stop();
    }
  });
});

describe('the purge outside the server', () => {
  it('runs the periodic job in the server and once as a command', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const server = await startTestServer({ now, accountLimits: { purgeIntervalMs: 100 } });
    try {
      const first = await server.createUser('first');
      const second = await server.createUser('second');
      for (const user of [first, second]) {
        await api(server, 'POST', '/api/account/delete', {
          token: user.token,
          body: { password: user.password },
        });
      }
      offset += 31 * DAY;
      // The server's own job finds both accounts due (it purges them one after the other).
      await eventually(async () => {
        expect(await server.server.store.findUser(first.userId)).toBeUndefined();
        expect(await server.server.store.findUser(second.userId)).toBeUndefined();
      });
    } finally {
      await server.stop();
    }

    const offline = await startTestServer();
    const user = await offline.createUser('later');
    await api(offline, 'POST', '/api/account/delete', {
      token: user.token,
      body: { password: user.password },
    });
    await offline.server.shutdown();
    try {
      const config = loadConfig({ DATA_DIR: offline.dataDir });
      expect(await purgeOnce(config, () => Date.now() + 29 * DAY)).toBe(0);
      expect(await purgeOnce(config, () => Date.now() + 31 * DAY)).toBe(1);
      const store = await openStore({ dataDir: offline.dataDir });
      expect(await store.findUser(user.userId)).toBeUndefined();
      expect((await store.getDocument('profiles', user.userId))?.deleted).toBe(true);
      await store.close();
    } finally {
      await rm(offline.dataDir, { recursive: true, force: true });
    }
  });
});
