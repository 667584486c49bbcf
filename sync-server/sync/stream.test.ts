// How a replication stream ends: the server closes it (session revoked) while the client may still
// hold the connection, or while a read for it is still in flight.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyReply } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthContext } from '../auth/authenticate.ts';
import type { ChangeEvent, SyncStore } from '../storage/store.ts';
import type { ChangeHub } from './change-hub.ts';
import type { PullBatch } from './pull.ts';
import { openStream, type StreamSpec } from './stream.ts';

const AUTH: AuthContext = {
  userId: '00000000-0000-4000-8000-000000000001',
  role: 'user',
  sessionId: 'session',
  authenticatedAt: new Date(0).toISOString(),
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

let server: Server | undefined;

afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing !== undefined) {
    await new Promise((done) => {
      closing.close(done);
    });
  }
});

interface StreamServer {
  readonly url: string;
  /** Change listeners the open streams registered with the hub. */
  readonly listeners: Set<(event: ChangeEvent) => void>;
}

/**
 * A plain HTTP server on loopback: `/stream` opens a stream for AUTH (`onResponse` sees its
 * response; `onRevocable` gets the function that revokes its session); any other path answers
 * "plain".
 */
async function startStreamServer(options: {
  readonly read: StreamSpec['read'];
  readonly onRevocable: (revoke: () => void) => void;
  readonly onResponse?: (response: ServerResponse) => void;
}): Promise<StreamServer> {
  const listeners = new Set<(event: ChangeEvent) => void>();
  const hub = {
    listen: (listener: (event: ChangeEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as ChangeHub;
  const store = { latestSeq: () => Promise.resolve(1) } as unknown as SyncStore;
  server = createServer((request, response) => {
    if (request.url !== '/stream') {
      response.end('plain');
      return;
    }
    const reply = {
      raw: response,
      hijack: () => undefined,
      log: { warn: () => undefined },
    } as unknown as FastifyReply;
    const deps = {
      store,
      hub,
      openStreams: new Set<() => void>(),
      stillAuthorized: () => Promise.resolve(true),
      watchRevocation: (_auth: AuthContext, end: () => void) => {
        options.onRevocable(end);
        return () => undefined;
      },
    };
    void openStream(deps, reply, AUTH, { matches: () => true, read: options.read }).then(() => {
      options.onResponse?.(response);
    });
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, listeners };
}

describe('openStream', () => {
  it('tells the client the connection ends with the stream, so it is never reused', async () => {
    const { url } = await startStreamServer({
      read: () => Promise.resolve({ documents: [], checkpoint: null }),
      // The session ends at once: the server closes the stream right after RESYNC.
      onRevocable: (revoke) => setImmediate(revoke),
    });

    for (let round = 0; round < 20; round += 1) {
      const stream = await fetch(`${url}/stream`);
      expect(stream.headers.get('connection')).toBe('close');
      expect(await stream.text()).toBe('data: "RESYNC"\n\n');
      // Had the ended stream's socket gone back to the pool, this could fail with "other side closed".
      const plain = await fetch(`${url}/plain`);
      expect(await plain.text()).toBe('plain');
    }
  });

  it('writes nothing after it closed, even when a read that was in flight finishes', async () => {
    const read = deferred<PullBatch>();
    const readStarted = deferred<undefined>();
    const opened = deferred<ServerResponse>();
    const responseErrors: Error[] = [];
    let revoke: (() => void) | undefined;
    const { url, listeners } = await startStreamServer({
      read: () => {
        readStarted.resolve(undefined);
        return read.promise;
      },
      onRevocable: (end) => {
        revoke = end;
      },
      onResponse: (response) => {
        // Node emits 'write after end' as an error on the response.
        response.on('error', (error) => responseErrors.push(error));
        opened.resolve(response);
      },
    });

    const client = await fetch(`${url}/stream`);
    const body = client.body?.getReader();
    const first = (await body?.read()) as { value?: Uint8Array } | undefined;
    expect(new TextDecoder().decode(first?.value)).toBe('data: "RESYNC"\n\n');
    const response = await opened.promise;

    // A change arrives, its read starts, and the session is revoked before the read answers.
    for (const listener of listeners) {
      listener({ collection: 'profiles', ownerId: AUTH.userId, seq: 2 });
    }
    await readStarted.promise;
    revoke?.();
    expect(response.writableEnded).toBe(true);
    read.resolve({
      documents: [{ id: AUTH.userId } as PullBatch['documents'][number]],
      checkpoint: { seq: 2, id: AUTH.userId },
    });
    await new Promise((done) => setTimeout(done, 50));

    expect(responseErrors).toEqual([]);
    expect(listeners.size).toBe(0);
    await body?.cancel().catch(() => undefined);
  });
});
