// Shown when an account's documents have not reached this device yet (first start while offline).
import { EmptyState } from '../ui/feedback.tsx';
import { useSyncStatus } from './sync/queries.ts';

export function NotSyncedYet({ what }: { readonly what: string }) {
  const status = useSyncStatus();
  return (
    <EmptyState icon={status.online ? 'refresh' : 'cloud-off'} title={`Your ${what} is on its way`}>
      {status.online
        ? 'It is being downloaded from the server; this takes a moment the first time.'
        : 'This device has not downloaded it yet. Connect to the internet once and it stays available offline.'}
    </EmptyState>
  );
}
