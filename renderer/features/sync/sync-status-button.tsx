// The always-visible sync indicator in the top bar: fixed width so sync events never shift the layout.
import { Icon, type IconName } from '../../ui/icons.tsx';
import { phaseLabel, phaseOf, type SyncPhase } from './describe.ts';
import { useRejections, useSyncStatus } from './queries.ts';

const phaseIcon: Record<SyncPhase, IconName> = {
  offline: 'cloud-off',
  syncing: 'refresh',
  online: 'cloud',
  'signed-out': 'alert',
  connecting: 'refresh',
};

export function SyncStatusButton({ onOpen }: { readonly onOpen: () => void }) {
  const status = useSyncStatus();
  const rejections = useRejections();
  const phase = phaseOf(status);
  const attention = rejections.length > 0 || phase === 'signed-out';
  const detail =
    status.pending > 0
      ? `${status.pending} ${status.pending === 1 ? 'change' : 'changes'} not yet sent`
      : 'All changes sent';
  return (
    <button
      type="button"
      className={`sync-button sync-button--${phase}`}
      onClick={onOpen}
      aria-label={`Sync: ${phaseLabel[phase]}. ${detail}.${rejections.length > 0 ? ` ${rejections.length} rejected.` : ''} Open the sync panel.`}
      data-phase={phase}
    >
      <span
        className={`sync-button__icon ${phase === 'syncing' || phase === 'connecting' ? 'is-spinning' : ''}`}
      >
        <Icon name={phaseIcon[phase]} />
      </span>
      <span className="sync-button__label">{phaseLabel[phase]}</span>
      <span className="sync-button__count" data-testid="pending-count" aria-hidden="true">
        {status.pending > 0 ? status.pending : ''}
      </span>
      <span className={`sync-button__dot ${attention ? 'is-visible' : ''}`} aria-hidden="true" />
    </button>
  );
}
