// The sync panel: connection state, unsent changes, last sync, rejected edits (edit again /
// dismiss) and recent conflict decisions (both values, which won and why).
import { useEffect, useState } from 'react';
import { useManager, useRuntime } from '../../app/app-context.tsx';
import { useFormatter } from '../../app/format.ts';
import { navigate } from '../../app/routes.ts';
import type { ConflictEntry, RejectionEntry } from '../../db/sync-log.ts';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Badge, Banner, EmptyState } from '../../ui/feedback.tsx';
import { SignInForm } from '../auth/sign-in-form.tsx';
import { useSettings } from '../own-docs.ts';
import { describeValue, fieldLabel, phaseLabel, phaseOf, screenOf } from './describe.ts';
import { useConflicts, useRejections, useSyncActions, useSyncStatus } from './queries.ts';

export function SyncPanel({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Sync" variant="drawer">
      <SyncPanelContent onClose={onClose} />
    </Dialog>
  );
}

/** A clock that ticks every 15 s so "2 minutes ago" stays true while the panel is open. */
function useTick(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => {
      setTick((tick) => tick + 1);
    }, 15_000);
    return () => {
      clearInterval(timer);
    };
  }, []);
}

export function SyncPanelContent({ onClose }: { readonly onClose: () => void }) {
  useTick();
  const status = useSyncStatus();
  const runtime = useRuntime();
  const manager = useManager();
  const settings = useSettings();
  const format = useFormatter(settings);
  const rejections = useRejections();
  const conflicts = useConflicts();
  const { dismissRejection, clearConflicts, syncNow } = useSyncActions();
  const phase = phaseOf(status);
  const email = manager.state$.value.kind === 'open' ? manager.state$.value.account.email : undefined;

  return (
    <div className="sync-panel stack">
      <section className="sync-panel__status" aria-labelledby="sync-status-title">
        <h3 id="sync-status-title" className="visually-hidden">
          Status
        </h3>
        <dl className="facts">
          <div>
            <dt>Connection</dt>
            <dd data-testid="sync-phase">{phaseLabel[phase]}</dd>
          </div>
          <div>
            <dt>Not yet sent</dt>
            <dd data-testid="sync-pending">
              {status.pending === 0
                ? 'Nothing'
                : `${status.pending} ${status.pending === 1 ? 'change' : 'changes'}`}
            </dd>
          </div>
          <div>
            <dt>Last sync</dt>
            <dd>{status.lastSyncAt === null ? 'Never' : format.relative(status.lastSyncAt)}</dd>
          </div>
        </dl>
        {phase === 'offline' ? (
          <p className="muted">
            You are offline. Keep editing: changes are saved on this device and sent when the connection is
            back.
          </p>
        ) : null}
        <div className="row">
          <Button size="small" icon="refresh" onClick={syncNow} disabled={phase === 'signed-out'}>
            Sync now
          </Button>
        </div>
      </section>

      {phase === 'signed-out' ? (
        <section className="stack-sm" aria-labelledby="reauth-title">
          <Banner tone="warning" title="Sign in again to sync">
            {runtime.session.expiredReason ?? 'Your sign-in has expired.'} Nothing you changed is lost.
          </Banner>
          <h3 id="reauth-title" className="visually-hidden">
            Sign in again
          </h3>
          {status.online ? (
            <SignInForm {...(email !== undefined ? { email } : {})} lockEmail />
          ) : (
            <p className="muted">You can sign in again when you are back online.</p>
          )}
        </section>
      ) : null}

      <section className="stack-sm" aria-labelledby="rejections-title">
        <h3 id="rejections-title">Rejected edits</h3>
        {rejections.length === 0 ? (
          <p className="muted">The server accepted everything you sent.</p>
        ) : (
          <ul className="ui-list" data-testid="rejections">
            {rejections.map((entry) => (
              <RejectionItem
                key={entry.id}
                entry={entry}
                when={format.dateTime(entry.at)}
                onEdit={() => {
                  onClose();
                  navigate(screenOf(entry.collection, entry.field));
                  void dismissRejection(entry.id);
                }}
                onDismiss={() => void dismissRejection(entry.id)}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="stack-sm" aria-labelledby="conflicts-title">
        <div className="row-between">
          <h3 id="conflicts-title">Recent conflicts</h3>
          {conflicts.length > 0 ? (
            <Button size="small" variant="ghost" onClick={() => void clearConflicts()}>
              Clear
            </Button>
          ) : null}
        </div>
        {conflicts.length === 0 ? (
          <EmptyState icon="git-merge" title="No conflicts">
            When two devices change the same field before syncing, the decision shows up here.
          </EmptyState>
        ) : (
          <ul className="conflict-list" data-testid="conflicts">
            {conflicts.map((entry) => (
              <ConflictItem key={entry.id} entry={entry} when={format.dateTime(entry.at)} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function RejectionItem({
  entry,
  when,
  onEdit,
  onDismiss,
}: {
  readonly entry: RejectionEntry;
  readonly when: string;
  readonly onEdit: () => void;
  readonly onDismiss: () => void;
}) {
  const label = fieldLabel(entry.collection, entry.field);
  return (
    <li className="rejection">
      <div className="rejection__body">
        <div className="row">
          <strong>{label}</strong>
          <Badge tone="danger">Rejected</Badge>
        </div>
        <p>{entry.message}</p>
        <p className="muted">
          You tried: {describeValue(entry.attempted)} · {when}
        </p>
      </div>
      <div className="rejection__actions">
        <Button size="small" onClick={onEdit} aria-label={`Edit ${label} again`}>
          Edit again
        </Button>
        <Button
          size="small"
          variant="ghost"
          onClick={onDismiss}
          aria-label={`Dismiss the rejection of ${label}`}
        >
          Dismiss
        </Button>
      </div>
    </li>
  );
}

const winnerText: Record<ConflictEntry['winner'], string> = {
  local: 'This device’s value kept',
  remote: 'Other device’s value kept',
  merged: 'Both combined',
};

function ConflictItem({ entry, when }: { readonly entry: ConflictEntry; readonly when: string }) {
  return (
    <li className="conflict">
      <div className="row-between">
        <strong>{fieldLabel(entry.collection, entry.field)}</strong>
        <Badge tone="accent">{winnerText[entry.winner]}</Badge>
      </div>
      <dl className="conflict__values">
        <div className={entry.winner === 'local' ? 'is-winner' : ''}>
          <dt>This device</dt>
          <dd>{describeValue(entry.local)}</dd>
        </div>
        <div className={entry.winner === 'remote' ? 'is-winner' : ''}>
          <dt>Other device</dt>
          <dd>{describeValue(entry.remote)}</dd>
        </div>
        {entry.winner === 'merged' ? (
          <div className="is-winner">
            <dt>Result</dt>
            <dd>{describeValue(entry.result)}</dd>
          </div>
        ) : null}
      </dl>
      <p className="muted conflict__reason">
        {entry.reason} · {when}
      </p>
    </li>
  );
}
