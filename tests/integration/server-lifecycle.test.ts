// Server lifecycle: graceful shutdown keeps every acknowledged push; logs carry no secrets or field values.
import { rm } from 'node:fs/promises';
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
  it('every push acknowledged before shutdown is stored', async () => {
    const server = await startTestServer();
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => server.createUser(`u${i}`)));
    const masters = await Promise.all(users.map((user) => currentProfile(server, user)));
    // Shut down only once a push is inside the server, so there is work in flight to finish.
    const live = server.server.store;
    const originalWrite = live.writeDocument.bind(live);
    let signalFirstWrite: () => void = () => undefined;
    const firstWrite = new Promise<void>((resolve) => {
      signalFirstWrite = resolve;
    });
    live.writeDocument = (...args) => {
      signalFirstWrite();
      return originalWrite(...args);
    };
    const pushes = users.map((user, i) =>
      pushBio(server, user, masters[i] ?? {}, `bio of ${i}`).then(
        (response) => response.status,
        () => 0,
      ),
    );
    await firstWrite;
    const closing = server.server.shutdown();
    const statuses = await Promise.all(pushes);
    await closing;
    // Read back through a fresh store on the same files: what was acknowledged is on disk.
    const store = await openStore({ dataDir: server.dataDir });
    const acknowledged = statuses.flatMap((status, i) => (status === 200 ? [i] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const i of acknowledged) {
      const user = users[i];
      if (user === undefined) continue;
      expect((await store.getDocument('profiles', user.userId))?.data.bio).toBe(`bio of ${i}`);
    }
    await store.close();
    await rm(server.dataDir, { recursive: true, force: true });
  });
});

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
