// Personal access tokens and the integration API over HTTP: shown once, stored hashed, scopes
// enforced, never accepted by sync or account routes, last use and metadata synced to devices;
// and the owner's audit log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenInfo, SecurityEvent } from '#shared/contract/auth';
import { DirectoryPage } from '#shared/contract/integrations';
import { hashToken } from '../../sync-server/auth/tokens.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let offset = 0;
const now = () => Date.now() + offset;
let server: TestServer;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startTestServer({ now });
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  offset = 0;
  for (const device of devices.splice(0)) await device.close();
});

async function createToken(user: TestUser, name: string, scopes: string[]) {
  const response = await api(server, 'POST', '/api/tokens', { token: user.token, body: { name, scopes } });
  expect(response.status).toBe(201);
  const body = response.json as { token: string; info: unknown };
  return { token: body.token, info: AccessTokenInfo.parse(body.info) };
}

const listTokens = async (user: TestUser) =>
  AccessTokenInfo.array().parse(
    ((await api(server, 'GET', '/api/tokens', { token: user.token })).json as { tokens: unknown }).tokens,
  );

describe('personal access tokens', () => {
  it('are shown once, listed as metadata, stored only as a hash, and synced to the settings document', async () => {
    const user = await server.createUser('gus');
    const device = await open(user);
    const { token, info } = await createToken(user, 'Calendar sync', ['profile:read']);
    expect(token).toMatch(/^pat_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name: 'Calendar sync', scopes: ['profile:read'], lastUsedAt: null });
    const listed = await listTokens(user);
    expect(listed).toEqual([info]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await server.server.store.findAccessTokenByHash(hashToken(token))).toMatchObject({ id: info.id });
    await eventually(async () => {
      expect((await device.doc('settings', user.userId))?.accessTokens).toEqual([info]);
    });

    // A use is recorded (at most once a minute) and reaches the device too.
    expect((await api(server, 'GET', '/api/v1/profile', { token })).status).toBe(200);
    const [used] = await listTokens(user);
    expect(used?.lastUsedAt).not.toBeNull();
    await eventually(async () => {
      const synced = (await device.doc('settings', user.userId))?.accessTokens as { lastUsedAt: unknown }[];
      expect(synced[0]?.lastUsedAt).toBe(used?.lastUsedAt);
    });

    const revoked = await api(server, 'POST', '/api/tokens/revoke', {
      token: user.token,
      body: { tokenId: info.id },
    });
    expect(revoked.status).toBe(200);
    expect(errorOf(await api(server, 'GET', '/api/v1/profile', { token }))).toMatchObject({ status: 401 });
    expect(await listTokens(user)).toEqual([]);
    await eventually(async () => {
      expect((await device.doc('settings', user.userId))?.accessTokens).toEqual([]);
    });
    const again = await api(server, 'POST', '/api/tokens/revoke', {
      token: user.token,
      body: { tokenId: info.id },
    });
    expect(errorOf(again)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('work only on the integration endpoints of their scopes', async () => {
    const user = await server.createUser('hana');
    const profileOnly = await createToken(user, 'profile reader', ['profile:read']);
    const everything = await createToken(user, 'all reader', [
      'profile:read',
      'settings:read',
      'directory:read',
    ]);

    const profile = await api(server, 'GET', '/api/v1/profile', { token: profileOnly.token });
    expect(profile.status).toBe(200);
    expect(profile.json).toMatchObject({ id: user.userId, displayName: 'hana' });
    expect(profile.json).not.toHaveProperty('clocks');
    for (const path of ['/api/v1/settings', '/api/v1/directory']) {
      expect(errorOf(await api(server, 'GET', path, { token: profileOnly.token }))).toMatchObject({
        status: 403,
        code: 'insufficient_scope',
      });
    }
    expect((await api(server, 'GET', '/api/v1/settings', { token: everything.token })).json).toMatchObject({
      theme: 'system',
    });

    // Never on sync or account routes, whatever the scopes.
    for (const [method, path] of [
      ['GET', '/api/sync/profiles/pull'],
      ['GET', '/api/sync/directory/pull'],
      ['GET', '/api/auth/me'],
      ['GET', '/api/tokens'],
      ['POST', '/api/auth/sign-out'],
    ] as const) {
      expect(errorOf(await api(server, method, path, { token: everything.token }))).toMatchObject({
        status: 401,
      });
    }
    // A session token is accepted by the integration API as well.
    expect((await api(server, 'GET', '/api/v1/settings', { token: user.token })).status).toBe(200);
    expect(errorOf(await api(server, 'GET', '/api/v1/profile'))).toMatchObject({ status: 401 });
  });

  it('read the directory as projected for the token owner, page by page', async () => {
    const reader = await server.createUser('ivo');
    const others = await Promise.all(['jade', 'kai', 'lux'].map((name) => server.createUser(name)));
    const { token } = await createToken(reader, 'directory', ['directory:read']);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const path: string = `/api/v1/directory?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const body = DirectoryPage.parse((await api(server, 'GET', path, { token })).json);
      seen.push(...body.people);
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
    const ids = seen.map((person) => person.id);
    for (const other of others) expect(ids).toContain(other.userId);
    expect(ids).not.toContain(reader.userId);
    // Only what a signed-in stranger may see: no private fields, no clocks.
    const kai = seen.find((person) => person.id === others[1]?.userId);
    expect(kai).toMatchObject({ displayName: 'kai' });
    expect(kai).not.toHaveProperty('legalName');
    expect(kai).not.toHaveProperty('clocks');
  });

  it('stop working when the account is suspended or pending deletion', async () => {
    const user = await server.createUser('max');
    const { token } = await createToken(user, 'reader', ['profile:read']);
    await api(server, 'POST', '/api/account/delete', {
      token: user.token,
      body: { password: user.password },
    });
    expect(errorOf(await api(server, 'GET', '/api/v1/profile', { token }))).toMatchObject({
      status: 403,
      code: 'account_pending_deletion',
    });
  });
});

describe('the security audit log', () => {
  it('lists the owner’s own events, newest first, with time, actor, address and agent', async () => {
    const user = await server.createUser('nat');
    const other = await server.createUser('oz');
    await api(server, 'POST', '/api/auth/sign-in', {
      body: { email: user.email, password: 'wrong password', deviceName: 'x' },
      headers: { 'user-agent': 'Guesser/1.0' },
    });
    await createToken(user, 'audit me', ['profile:read']);
    const response = await api(server, 'GET', '/api/account/security-events?limit=5', { token: user.token });
    const events = SecurityEvent.array().parse((response.json as { events: unknown }).events);
    expect(events.map((event) => event.type)).toEqual(['token_created', 'sign_in_failed']);
    expect(events[1]).toMatchObject({ ip: '127.0.0.1', userAgent: 'Guesser/1.0', actorId: user.userId });
    const times = events.map((event) => event.at);
    expect([...times].sort().reverse()).toEqual(times);

    const before = events[0]?.at ?? '';
    const older = await api(
      server,
      'GET',
      `/api/account/security-events?before=${encodeURIComponent(before)}`,
      {
        token: user.token,
      },
    );
    expect(
      SecurityEvent.array()
        .parse((older.json as { events: unknown }).events)
        .map((e) => e.type),
    ).toEqual(['sign_in_failed']);
    // Nobody reads another account's events.
    const theirs = await api(server, 'GET', '/api/account/security-events', { token: other.token });
    expect(JSON.stringify(theirs.json)).not.toContain(user.userId);
  });
});

async function open(user: TestUser): Promise<Device> {
  const device = await openDevice(server, user, 'desk', ['settings']);
  devices.push(device);
  return device;
}
