// Everything one open account needs at run time: its session, local database, clock, sync engine
// and avatar store. Opening another account closes this one first (RxDB's free build limits open
// collections per process).
import type { RxStorage } from 'rxdb';
import type { MergeDecision } from '#shared/merge/merge';
import type { Role } from '#shared/policy/field';
import { Session } from '../api/session.ts';
import { openAccountDatabase, type AccordDatabase } from '../db/database.ts';
import { LocalStore } from '../db/local-store.ts';
import { AvatarStore } from '../db/avatar-store.ts';
import { mergeConflictHandler, RefusedFields } from '../sync/conflict-handler.ts';
import { createDeviceClock, type DeviceClock } from '../sync/device-clock.ts';
import { deviceNodeId } from '../sync/device-node.ts';
import { SyncEngine } from '../sync/engine.ts';

export interface AccountRuntime {
  readonly userId: string;
  readonly session: Session;
  readonly db: AccordDatabase;
  readonly local: LocalStore;
  readonly clock: DeviceClock;
  readonly sync: SyncEngine;
  readonly avatars: AvatarStore;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly userId: string;
  readonly baseUrl: string;
  readonly storage?: RxStorage<unknown, unknown>;
  readonly fetch?: typeof fetch;
  readonly retryMs?: number;
}

export async function openRuntime(options: RuntimeOptions): Promise<AccountRuntime> {
  const { userId } = options;
  const clock = createDeviceClock(deviceNodeId());
  let role: Role = 'user';
  const engine: { current?: SyncEngine } = {};
  const onDecisions = (entity: string, _docId: string, decisions: MergeDecision[]) => {
    engine.current?.recordDecisions(entity === 'profile' ? 'profiles' : 'settings', decisions);
  };
  // Fields the server refused in a push: the merge answering that push keeps the server's value.
  const refused = { profiles: new RefusedFields(), settings: new RefusedFields() };
  const db = await openAccountDatabase(
    userId,
    {
      profiles: mergeConflictHandler('profile', () => role, onDecisions, refused.profiles),
      settings: mergeConflictHandler('settings', () => role, onDecisions, refused.settings),
    },
    options.storage,
  );
  const roleSubscription = db.accounts.findOne(userId).$.subscribe((doc) => {
    role = doc?.role ?? 'user';
  });
  // Later local stamps must sort after the ones already stored, whatever the wall clock says.
  for (const doc of [...(await db.profiles.find().exec()), ...(await db.settings.find().exec())]) {
    clock.observeDoc(doc.toJSON());
  }
  const session = new Session(userId, options.baseUrl, options.fetch);
  const local = new LocalStore(db);
  const sync = new SyncEngine({
    db,
    local,
    session,
    clock,
    refused,
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
  });
  engine.current = sync;
  const avatars = new AvatarStore(local, session);
  await sync.start();
  avatars.start(sync.status$);
  return {
    userId,
    session,
    db,
    local,
    clock,
    sync,
    avatars,
    close: async () => {
      roleSubscription.unsubscribe();
      avatars.stop();
      session.close();
      await sync.stop();
      await db.close();
    },
  };
}
