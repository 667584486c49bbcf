// Wires the replication contract to its handlers: pull, push and stream per collection.
import { syncRoutes } from '#shared/contract/sync';
import type { HybridClock } from '#shared/hlc';
import type { RouteRegistry } from '../http/routes.ts';
import type { SyncStore } from '../storage/store.ts';
import type { ChangeHub } from './change-hub.ts';
import { checkpointFromQuery, pullDirectory, pullOwn } from './pull.ts';
import { pushRows } from './push.ts';
import { openStream, type StreamDeps } from './stream.ts';

export interface SyncDeps extends StreamDeps {
  readonly store: SyncStore;
  readonly clock: HybridClock;
  readonly now: () => number;
  readonly hub: ChangeHub;
}

export function registerSyncRoutes(registry: RouteRegistry, deps: SyncDeps): void {
  const own = [
    ['profiles', syncRoutes.profilesPull, syncRoutes.profilesStream],
    ['settings', syncRoutes.settingsPull, syncRoutes.settingsStream],
    ['accounts', syncRoutes.accountsPull, syncRoutes.accountsStream],
  ] as const;
  for (const [collection, pull, stream] of own) {
    registry.authed(pull, async ({ auth, query }) => {
      const batch = await pullOwn(
        deps.store,
        collection,
        auth.userId,
        checkpointFromQuery(query),
        query.limit,
      );
      return batch as never;
    });
    registry.authed(stream, async ({ auth, reply }) => {
      await openStream(deps, reply, auth, {
        matches: (event) => event.collection === collection && event.ownerId === auth.userId,
        read: (since, limit) => pullOwn(deps.store, collection, auth.userId, since, limit),
      });
      return '';
    });
  }

  registry.authed(
    syncRoutes.profilesPush,
    ({ auth, body }) => pushRows(deps, 'profiles', auth, body.rows) as never,
  );
  registry.authed(
    syncRoutes.settingsPush,
    ({ auth, body }) => pushRows(deps, 'settings', auth, body.rows) as never,
  );

  registry.authed(syncRoutes.directoryPull, async ({ auth, query }) => {
    const batch = await pullDirectory(deps.store, auth.userId, checkpointFromQuery(query), query.limit);
    return batch as never;
  });
  registry.authed(syncRoutes.directoryStream, async ({ auth, reply }) => {
    await openStream(deps, reply, auth, {
      matches: (event) => event.collection === 'directory',
      // Every directory stream reads the same entries after the same change: the hub shares one read.
      read: (since, limit) => pullDirectory(deps.hub, auth.userId, since, limit),
    });
    return '';
  });
}
