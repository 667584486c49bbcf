// Server-Sent Events for replication: RESYNC first, then change batches after a per-connection cursor.
import type { FastifyReply } from 'fastify';
import type { SyncCheckpoint } from '#shared/contract/sync';
import type { ChangeEvent, Checkpoint, SyncStore } from '../storage/store.ts';
import type { AuthContext } from '../auth/authenticate.ts';
import type { ChangeHub } from './change-hub.ts';
import type { PullBatch } from './pull.ts';

export const HEARTBEAT_MS = 15_000;
const BATCH_LIMIT = 200;

export interface StreamSpec {
  /** Whether an event concerns this stream (own collection of this user, or any directory change). */
  readonly matches: (event: ChangeEvent) => boolean;
  /** Changes after the cursor, as the stream's documents. */
  readonly read: (since: Checkpoint, limit: number) => Promise<PullBatch>;
}

export interface StreamDeps {
  readonly store: SyncStore;
  readonly hub: ChangeHub;
  /** Closers of open streams; the server calls them on shutdown. */
  readonly openStreams: Set<() => void>;
  /** Re-checks the session on each heartbeat so a revoked session's stream ends. */
  readonly stillAuthorized: (auth: AuthContext) => Promise<boolean>;
  /** Calls `end` as soon as the session or account behind `auth` stops being valid; returns an unsubscribe. */
  readonly watchRevocation?: (auth: AuthContext, end: () => void) => () => void;
}

const RESYNC = JSON.stringify('RESYNC');

/**
 * Each document's JSON, made once: a directory change sends the same (shared, never modified)
 * projected documents to thousands of streams (see directory.ts), so they are serialised once, not
 * once per stream.
 */
const documentJson = new WeakMap<object, string>();

function jsonOf(doc: object): string {
  let json = documentJson.get(doc);
  if (json === undefined) {
    json = JSON.stringify(doc);
    documentJson.set(doc, json);
  }
  return json;
}

/** `JSON.stringify({ documents, checkpoint })`, reusing each document's JSON. */
function batchJson(documents: readonly object[], checkpoint: SyncCheckpoint): string {
  return `{"documents":[${documents.map(jsonOf).join(',')}],"checkpoint":${JSON.stringify(checkpoint)}}`;
}

export async function openStream(
  deps: StreamDeps,
  reply: FastifyReply,
  auth: AuthContext,
  spec: StreamSpec,
): Promise<void> {
  // The cursor starts at the newest change; RESYNC makes the client pull anything before it.
  let cursor: Checkpoint = { seq: await deps.store.latestSeq(), id: '' };
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // The socket is closed with the stream (see close below): say so, so no client reuses it.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  // A read in flight can finish after the stream closed (client gone, session revoked): writing
  // then would raise 'write after end' on the response, which nothing handles.
  let closed = false;
  const write = (chunk: string) => {
    if (!closed && !raw.writableEnded && !raw.destroyed) raw.write(chunk);
  };
  const send = (json: string) => {
    write(`data: ${json}\n\n`);
  };
  send(RESYNC);

  let flushing: Promise<void> | undefined;
  let again = false;
  const flush = async (): Promise<void> => {
    do {
      again = false;
      while (!closed) {
        const batch = await spec.read(cursor, BATCH_LIMIT);
        const next: SyncCheckpoint | null = batch.checkpoint;
        if (closed || next === null || (next.seq === cursor.seq && next.id === cursor.id)) break;
        cursor = next;
        if (batch.documents.length > 0) send(batchJson(batch.documents, next));
      }
    } while (again && !closed);
  };
  const schedule = () => {
    if (flushing !== undefined) {
      again = true;
      return;
    }
    flushing = flush()
      .catch((error: unknown) => {
        reply.log.warn({ err: error }, 'stream flush failed; asking the client to resync');
        send(RESYNC);
      })
      .finally(() => {
        flushing = undefined;
      });
  };

  const stopListening = deps.hub.listen((event) => {
    if (spec.matches(event)) schedule();
  });
  const heartbeat = setInterval(() => {
    deps
      .stillAuthorized(auth)
      .then((ok) => {
        if (ok) write(': heartbeat\n\n');
        else close();
      })
      .catch(() => {
        write(': heartbeat\n\n');
      });
  }, HEARTBEAT_MS);
  // Called only after `close` exists: revocations arrive on later turns of the event loop.
  const stopWatching = deps.watchRevocation?.(auth, () => {
    close();
  });
  // A stream's socket is never reused for another request: destroy it with the stream, or an
  // aborted stream's socket lingers and holds up a graceful shutdown until it times out.
  const close = () => {
    closed = true;
    clearInterval(heartbeat);
    stopListening();
    stopWatching?.();
    deps.openStreams.delete(close);
    if (!raw.writableEnded) raw.end();
    raw.socket?.destroySoon();
  };
  deps.openStreams.add(close);
  raw.on('close', close);
}
