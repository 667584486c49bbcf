// Server lifecycle: graceful shutdown keeps every acknowledged push; logs carry no secrets or field values.
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../sync-server/storage/open-store.ts';
import { startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

async function currentProfile(server: TestServer, user: TestUser) {
  const response = await fetch(`${server.url}/api/sync/profiles/pull`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  const body = (await response.json()) as { documents: Record<string, unknown>[] };
  const [profile] = body.documents;
  if (profile === undefined) throw new Error('no profile');
  return profile;
}

function pushBio(server: TestServer, user: TestUser, master: Record<string, unknown>, bio: string) {
  const clocks = { ...(master.clocks as Record<string, string>), bio: server.server.clock.now() };
  return fetch(`${server.url}/api/sync/profiles/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      rows: [{ assumedMasterState: master, newDocumentState: { ...master, bio, clocks } }],
    }),
  });
}

describe('graceful shutdown', () => {
  it('finishes pushes that are in flight when it starts, and they are stored', async () => {
    const server = await startTestServer();
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => server.createUser(`u${i}`)));
    const masters = await Promise.all(users.map((user) => currentProfile(server, user)));
    // Each push sends its headers and half its body, so the server is mid-request when shutdown begins.
    const pushes = users.map((user, i) => {
      const master = masters[i] ?? {};
      const clocks = { ...(master.clocks as Record<string, string>), bio: server.server.clock.now() };
      const body = JSON.stringify({
        rows: [{ assumedMasterState: master, newDocumentState: { ...master, bio: `bio of ${i}`, clocks } }],
      });
      return startSlowPush(server, user, body);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = server.server.shutdown();
    for (const push of pushes) push.finish();
    const statuses = await Promise.all(pushes.map((push) => push.status));
    await closing;
    expect(statuses).toEqual(users.map(() => 200));
    // Read back through a fresh store on the same files: what was acknowledged is on disk.
    const store = await openStore({ dataDir: server.dataDir });
    for (const [i, user] of users.entries()) {
      expect((await store.getDocument('profiles', user.userId))?.data.bio).toBe(`bio of ${i}`);
    }
    await store.close();
    await rm(server.dataDir, { recursive: true, force: true });
  });
});

function startSlowPush(server: TestServer, user: TestUser, body: string) {
  const half = Math.floor(body.length / 2);
  const request = http.request(`${server.url}/api/sync/profiles/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const status = new Promise<number>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => {
      resolve(0);
    });
  });
  request.write(body.slice(0, half));
  return { status, finish: () => request.end(body.slice(half)) };
}

describe('logging', () => {
  it('never writes tokens, passwords or field values', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const server = await startTestServer({ logStream });
    const user = await server.createUser('logged');
    const master = await currentProfile(server, user);
    const secretBio = 'canary-bio-7f3a9c';
    await pushBio(server, user, master, secretBio);
    await fetch(`${server.url}/api/sync/profiles/pull?seq=0&id=${secretBio}`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    await fetch(`${server.url}/api/sync/profiles/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: `{"broken": "${secretBio}`,
    });
    await server.stop();
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(user.token);
    expect(log).not.toContain(secretBio);
    expect(log).toContain('"path":"/api/sync/profiles/push"');
  });
});
