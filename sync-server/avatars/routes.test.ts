// The avatar endpoints: content-addressed, checked uploads by the owner; downloads only for who may
// read the owner's avatar field right now (the directory's projection rules).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarPath } from '#shared/contract/avatars';
import { pushOwnPatch } from '../../tests/helpers/owner-api.ts';
import { startTestServer, type TestServer, type TestUser } from '../../tests/helpers/server.ts';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('not really pixels, but a PNG signature'),
]);
const HASH = createHash('sha256').update(PNG).digest('hex');

let server: TestServer;
let owner: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.createUser('owner');
  viewer = await server.createUser('viewer');
});
afterAll(async () => {
  await server.stop();
});

function put(user: TestUser, hash: string, body: Buffer, type = 'image/png') {
  return fetch(`${server.url}/api/avatars/${hash}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': type },
    body,
  });
}

function get(user: TestUser, hash = HASH) {
  return fetch(`${server.url}${avatarPath(hash)}`, { headers: { authorization: `Bearer ${user.token}` } });
}

const api = (user: TestUser) => ({ baseUrl: server.url, token: user.token });

describe('avatar uploads', () => {
  it('needs a session', async () => {
    const response = await fetch(`${server.url}/api/avatars/${HASH}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: PNG,
    });
    expect(response.status).toBe(401);
  });

  it('refuses bytes whose digest, type or size do not match', async () => {
    expect((await put(owner, 'a'.repeat(64), PNG)).status).toBe(400);
    expect((await put(owner, HASH, PNG, 'image/jpeg')).status).toBe(400);
    expect((await put(owner, HASH, PNG, 'text/html')).status).toBe(415);
    expect((await put(owner, 'not-a-hash', PNG)).status).toBe(400);
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 1)]);
    expect((await put(owner, createHash('sha256').update(big).digest('hex'), big)).status).toBe(413);
  });

  it('stores an image once, whoever uploads it again', async () => {
    const first = await put(owner, HASH, PNG);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ hash: HASH, mime: 'image/png', size: PNG.byteLength });
    expect((await put(owner, HASH, PNG)).status).toBe(200);
  });
});

describe('avatar downloads', () => {
  it('serves the owner, and others only while the avatar field is visible to them', async () => {
    const own = await get(owner);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);

    // Uploaded but not on the profile: nobody else gets it.
    expect((await get(viewer)).status).toBe(404);

    await pushOwnPatch(api(owner), 'profiles', () => ({
      avatar: { hash: HASH, mime: 'image/png', size: PNG.byteLength },
    }));
    expect((await get(viewer)).status).toBe(200);

    await pushOwnPatch(api(owner), 'settings', (doc) => ({
      visibility: { ...(doc.visibility as Record<string, string>), avatar: 'private' },
    }));
    expect((await get(viewer)).status).toBe(404);
    expect((await get(owner)).status).toBe(200);
  });

  it('answers 404 for an unknown image', async () => {
    expect((await get(owner, 'b'.repeat(64))).status).toBe(404);
  });
});
