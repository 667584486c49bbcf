// Data hooks for the sync panel: status, merge decisions and rejected edits.
import { useCallback, useMemo } from 'react';
import { useRuntime } from '../../app/app-context.tsx';
import { useObservable } from '../../app/use-observable.ts';
import { conflictLog, rejectionLog, type ConflictEntry, type RejectionEntry } from '../../db/sync-log.ts';
import type { SyncStatus } from '../../sync/engine.ts';

export function useSyncStatus(): SyncStatus {
  const runtime = useRuntime();
  return useObservable(runtime.sync.status$, runtime.sync.status$.value);
}

export function useConflicts(): readonly ConflictEntry[] {
  const runtime = useRuntime();
  const source = useMemo(() => runtime.local.watch(conflictLog), [runtime]);
  return useObservable(source, conflictLog.fallback).entries;
}

export function useRejections(): readonly RejectionEntry[] {
  const runtime = useRuntime();
  const source = useMemo(() => runtime.local.watch(rejectionLog), [runtime]);
  return useObservable(source, rejectionLog.fallback).entries;
}

export function useSyncActions() {
  const runtime = useRuntime();
  const dismissRejection = useCallback(
    (id: string) =>
      runtime.local.update(rejectionLog, (log) => ({
        entries: log.entries.filter((entry) => entry.id !== id),
      })),
    [runtime],
  );
  const clearConflicts = useCallback(
    () => runtime.local.update(conflictLog, () => ({ entries: [] })),
    [runtime],
  );
  const syncNow = useCallback(() => {
    runtime.sync.syncNow();
  }, [runtime]);
  return { dismissRejection, clearConflicts, syncNow };
}
