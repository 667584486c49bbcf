// Runs replication for one account and reports what the sync panel shows: connection, activity,
// changes not yet pushed, last successful sync; logs merge decisions and server rejections.
import { BehaviorSubject, combineLatest, Subscription } from 'rxjs';
import type { MergeDecision } from '#shared/merge/merge';
import type { SyncCollectionName } from '#shared/contract/sync';
import type { Session, SessionStatus } from '../api/session.ts';
import type { AccordDatabase } from '../db/database.ts';
import type { LocalStore } from '../db/local-store.ts';
import {
  appendCapped,
  conflictLog,
  entryId,
  masterStates,
  rejectionLog,
  syncMeta,
  type ConflictEntry,
  type MasterState,
  type RejectionEntry,
} from '../db/sync-log.ts';
import type { RefusedFields } from './conflict-handler.ts';
import type { DeviceClock } from './device-clock.ts';
import { replicateCollection, type CollectionReplication, type PushOutcome } from './replicate.ts';
import { countPending, laterMasterState } from './pending.ts';

export type OwnCollection = 'profiles' | 'settings';

export interface SyncStatus {
  /** The browser reports a network and the live streams are connected. */
  readonly connected: boolean;
  readonly online: boolean;
  readonly syncing: boolean;
  readonly session: SessionStatus;
  readonly pending: number;
  readonly lastSyncAt: number | null;
}

const initialStatus: SyncStatus = {
  connected: false,
  online: true,
  syncing: false,
  session: 'pending',
  pending: 0,
  lastSyncAt: null,
};

const collections: readonly SyncCollectionName[] = ['profiles', 'settings', 'accounts', 'directory'];
/** A rejected field comes back from the server with a fresh stamp; that merge is not a second story. */
const REJECTION_ECHO_MS = 30_000;

export interface SyncEngineDeps {
  readonly db: AccordDatabase;
  readonly local: LocalStore;
  readonly session: Session;
  readonly clock: DeviceClock;
  /** Told about every rejection before the merge that answers the same push runs. */
  readonly refused?: Readonly<Record<OwnCollection, RefusedFields>>;
  readonly retryMs?: number;
}

export class SyncEngine {
  readonly status$ = new BehaviorSubject<SyncStatus>(initialStatus);
  private replications: CollectionReplication[] = [];
  private running: Subscription | undefined;
  private readonly subscriptions = new Subscription();
  private readonly masters: Record<OwnCollection, MasterState> = {
    profiles: { docs: {} },
    settings: { docs: {} },
  };
  private readonly masters$ = new BehaviorSubject(0);
  private readonly recentRejections = new Map<string, number>();
  private readonly onNetwork = () => {
    this.patch({ online: navigator.onLine });
    for (const replication of this.replications) {
      replication.reconnect();
      if (navigator.onLine) replication.state.reSync();
    }
    // A session not confirmed yet (started offline) or refused earlier gets another try now.
    if (navigator.onLine && this.deps.session.status$.value !== 'active') void this.deps.session.refresh();
  };

  constructor(private readonly deps: SyncEngineDeps) {}

  async start(): Promise<void> {
    const { local, session, db } = this.deps;
    this.masters.profiles = await local.get(masterStates.profiles);
    this.masters.settings = await local.get(masterStates.settings);
    this.masters$.next(this.masters$.value + 1);
    const meta = await local.get(syncMeta);
    this.patch({ lastSyncAt: meta.lastSyncAt, online: navigator.onLine });
    window.addEventListener('online', this.onNetwork);
    window.addEventListener('offline', this.onNetwork);

    this.subscriptions.add(
      combineLatest([db.profiles.find().$, db.settings.find().$, this.masters$]).subscribe(
        ([profiles, settings]) => {
          const pending =
            countPending(
              profiles.map((doc) => doc.toJSON() as Record<string, unknown>),
              this.masters.profiles,
            ) +
            countPending(
              settings.map((doc) => doc.toJSON() as Record<string, unknown>),
              this.masters.settings,
            );
          this.patch({ pending });
        },
      ),
    );
    this.subscriptions.add(
      session.status$.subscribe((status) => {
        this.patch({ session: status });
        if (status === 'active') this.run();
        else if (status === 'expired') void this.halt();
      }),
    );
  }

  /** Asks every replication to pull and push now (e.g. after the user pressed "sync now"). */
  syncNow(): void {
    this.onNetwork();
  }

  private patch(change: Partial<SyncStatus>): void {
    this.status$.next({ ...this.status$.value, ...change });
  }

  private run(): void {
    if (this.replications.length > 0) return;
    const { db, session, clock } = this.deps;
    const endpoint = {
      baseUrl: session.baseUrl,
      accessToken: () => session.currentAccessToken(),
      fetch: session.fetch,
    };
    this.replications = collections.map((name) =>
      replicateCollection({
        collection: db.collections[name],
        name,
        endpoint,
        identifier: session.userId,
        retryMs: this.deps.retryMs ?? 1000,
        onPulled: (doc) => {
          clock.observeDoc(doc);
          if (name === 'profiles' || name === 'settings') this.rememberMaster(name, [doc]);
        },
        onRejections: (collection, rejections) => {
          if (collection === 'profiles' || collection === 'settings')
            this.deps.refused?.[collection].note(rejections);
        },
        onPushed: (outcome) => {
          if (name === 'profiles' || name === 'settings') this.afterPush(name, outcome);
        },
      }),
    );
    // Until the first pull of every collection is in, the device is still catching up.
    const initial = new BehaviorSubject(false);
    const replications = this.replications;
    void Promise.all(replications.map((replication) => replication.state.awaitInitialReplication()))
      .then(() => {
        initial.next(true);
      })
      .catch(() => undefined);
    const running = new Subscription();
    running.add(
      combineLatest(this.replications.map((replication) => replication.streamConnected$)).subscribe(
        (connected) => {
          this.patch({ connected: connected.every(Boolean) });
        },
      ),
    );
    running.add(
      combineLatest([
        initial,
        ...this.replications.map((replication) => replication.state.active$),
      ]).subscribe(([caughtUp, ...active]) => {
        const syncing = !caughtUp || active.some(Boolean);
        this.patch({ syncing });
        if (!syncing && this.status$.value.connected) this.markSynced();
      }),
    );
    this.running = running;
  }

  private markSynced(): void {
    const lastSyncAt = Date.now();
    this.patch({ lastSyncAt });
    void this.deps.local.update(syncMeta, () => ({ lastSyncAt }));
  }

  private async halt(): Promise<void> {
    this.running?.unsubscribe();
    this.running = undefined;
    const stopping = this.replications;
    this.replications = [];
    this.patch({ connected: false, syncing: false });
    await Promise.all(stopping.map((replication) => replication.stop()));
  }

  private rememberMaster(name: OwnCollection, docs: readonly Readonly<Record<string, unknown>>[]): void {
    const state = this.masters[name];
    for (const doc of docs) {
      const { _deleted: _d, _meta: _m, _rev: _r, _attachments: _a, ...data } = doc;
      state.docs[String(doc.id)] = laterMasterState(state.docs[String(doc.id)], data);
    }
    this.masters$.next(this.masters$.value + 1);
    void this.deps.local.update(masterStates[name], () => ({ docs: { ...state.docs } }));
  }

  private afterPush(name: OwnCollection, outcome: PushOutcome): void {
    const returned = new Map(outcome.conflicts.map((doc) => [String(doc.id), doc]));
    this.rememberMaster(
      name,
      outcome.rows.map((row) => returned.get(String(row.newDocumentState.id)) ?? row.newDocumentState),
    );
    if (outcome.rejections.length === 0) return;
    const pushed = new Map(
      outcome.rows.map((row) => [String(row.newDocumentState.id), row.newDocumentState]),
    );
    const entries: RejectionEntry[] = outcome.rejections.map((rejection) => {
      this.recentRejections.set(`${name}:${rejection.field}`, Date.now());
      return {
        id: entryId(),
        at: Date.now(),
        collection: name,
        field: rejection.field,
        code: rejection.code,
        message: rejection.message,
        attempted: pushed.get(rejection.docId)?.[rejection.field] ?? null,
      };
    });
    void this.deps.local.update(rejectionLog, (log) => ({ entries: appendCapped(log.entries, entries) }));
  }

  /** Called by the conflict handlers with every merge that had to choose. */
  recordDecisions(name: OwnCollection, decisions: readonly MergeDecision[]): void {
    const now = Date.now();
    const entries: ConflictEntry[] = decisions
      .filter(
        (decision) => now - (this.recentRejections.get(`${name}:${decision.field}`) ?? 0) > REJECTION_ECHO_MS,
      )
      .map((decision) => ({
        id: entryId(),
        at: now,
        collection: name,
        field: decision.field,
        rule: decision.rule,
        winner: decision.winner,
        reason: decision.reason,
        local: decision.local ?? null,
        remote: decision.remote ?? null,
        result: decision.result ?? null,
      }));
    if (entries.length === 0) return;
    void this.deps.local.update(conflictLog, (log) => ({ entries: appendCapped(log.entries, entries) }));
  }

  async stop(): Promise<void> {
    window.removeEventListener('online', this.onNetwork);
    window.removeEventListener('offline', this.onNetwork);
    this.subscriptions.unsubscribe();
    await this.halt();
    this.status$.complete();
  }
}
