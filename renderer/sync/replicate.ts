// Replication of one collection with the sync server: pull by checkpoint, push with rejection
// records, and a live SSE stream; conflicts go through the shared merge (see conflict-handler.ts).
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { RxCollection } from 'rxdb';
import { Subject } from 'rxjs';
import { z } from 'zod';
import {
  MAX_PULL_LIMIT,
  syncDocSchemas,
  SyncCheckpoint,
  type SyncCollectionName,
} from '#shared/contract/sync';
import { Rejection } from '#shared/policy/validate-push';
import { openEventStream } from './event-stream.ts';
import { requestJson, type SyncEndpoint } from './http-client.ts';

export type RejectionListener = (collection: SyncCollectionName, rejections: Rejection[]) => void;

/** What one push batch sent and what the server answered (the pushed rows, its conflicts, its rejections). */
export interface PushOutcome {
  readonly rows: readonly { readonly newDocumentState: Readonly<Record<string, unknown>> }[];
  readonly conflicts: readonly Readonly<Record<string, unknown>>[];
  readonly rejections: readonly Rejection[];
}

export interface ReplicationOptions {
  readonly collection: RxCollection;
  readonly name: SyncCollectionName;
  readonly endpoint: SyncEndpoint;
  /** Distinguishes replications of different accounts and servers in the local checkpoint store. */
  readonly identifier: string;
  readonly onRejections?: RejectionListener;
  /** Sees every answered push (the app counts unpushed changes and keeps rejected values with it). */
  readonly onPushed?: (outcome: PushOutcome) => void;
  /** Sees every pulled document first (the device clock observes its field clocks here). */
  readonly onPulled?: (doc: Readonly<Record<string, unknown>>) => void;
  readonly live?: boolean;
  readonly retryMs?: number;
  readonly batchSize?: number;
}

export interface CollectionReplication {
  readonly state: RxReplicationState<unknown, SyncCheckpoint>;
  /** True while the live stream is connected. */
  readonly streamConnected$: Subject<boolean>;
  /** Reconnects the stream (for example when the OS reports the network is back). */
  reconnect(): void;
  stop(): Promise<void>;
}

const pushable: ReadonlySet<SyncCollectionName> = new Set(['profiles', 'settings']);

export function replicateCollection(options: ReplicationOptions): CollectionReplication {
  const { endpoint, name } = options;
  const docSchema = syncDocSchemas[name];
  const pullResponse = z.object({ documents: z.array(docSchema), checkpoint: SyncCheckpoint.nullable() });
  const pushResponse = z.object({ conflicts: z.array(docSchema), rejections: z.array(Rejection) });
  const streamMessage = z.union([
    z.literal('RESYNC'),
    z.object({ documents: z.array(docSchema), checkpoint: SyncCheckpoint }),
  ]);
  const live = options.live ?? true;
  const streamConnected$ = new Subject<boolean>();

  const stream = live
    ? openEventStream<unknown, SyncCheckpoint>(
        endpoint,
        `/api/sync/${name}/stream`,
        (message) => streamMessage.parse(message),
        options.retryMs ?? 1000,
      )
    : undefined;
  stream?.connected$.subscribe((connected) => {
    streamConnected$.next(connected);
  });

  const state = replicateRxCollection<unknown, SyncCheckpoint>({
    collection: options.collection,
    replicationIdentifier: `accord-${name}-${options.identifier}`,
    live,
    retryTime: options.retryMs ?? 1000,
    waitForLeadership: false,
    pull: {
      // As many as the server allows: the directory's first sync (everyone else's profile) is the
      // one large pull, and fewer, larger batches cut round trips and RxDB's work per batch
      // (bench/directory-sync.ts, 10,000 profiles: ratio to Dexie bulkPut 3.7 with 100, 3.1 with 500).
      // Own collections hold a document or two, so for them it changes nothing.
      batchSize: options.batchSize ?? MAX_PULL_LIMIT,
      handler: async (checkpoint, batchSize) => {
        const query = new URLSearchParams({ limit: String(batchSize) });
        if (checkpoint) {
          query.set('seq', String(checkpoint.seq));
          query.set('id', checkpoint.id);
        }
        const result = await requestJson(
          endpoint,
          `/api/sync/${name}/pull?${query.toString()}`,
          pullResponse,
        );
        return { documents: result.documents, checkpoint: result.checkpoint ?? undefined };
      },
      ...(stream ? { stream$: stream.items$ as never } : {}),
      modifier: (doc: Readonly<Record<string, unknown>>) => {
        options.onPulled?.(doc);
        return doc as never;
      },
    },
    ...(pushable.has(name)
      ? {
          push: {
            batchSize: 20,
            handler: async (rows) => {
              const result = await requestJson(endpoint, `/api/sync/${name}/push`, pushResponse, {
                method: 'POST',
                body: { rows },
              });
              if (result.rejections.length > 0) options.onRejections?.(name, result.rejections);
              options.onPushed?.({
                rows: rows,
                conflicts: result.conflicts,
                rejections: result.rejections,
              });
              return result.conflicts;
            },
          },
        }
      : {}),
  });

  return {
    state,
    streamConnected$,
    reconnect: () => stream?.reconnect(),
    stop: async () => {
      stream?.stop();
      streamConnected$.complete();
      await state.cancel();
    },
  };
}
