// Data hooks for the signed-in user's own documents (profile, settings, account): components read
// and edit through these, never through RxDB collections.
import { useCallback, useMemo } from 'react';
import type { AccountDoc, ProfileDoc, SettingsDoc } from '#shared/policy/table';
import { useRuntime } from '../app/app-context.tsx';
import { useObservable } from '../app/use-observable.ts';
import { editOwnDoc, watchOwnDoc, type EditableCollection, type OwnDocs } from '../db/documents.ts';

/** undefined while loading; null when the document has not been synced to this device yet. */
export type Loaded<T> = T | null | undefined;

function useOwnDoc<C extends keyof OwnDocs>(collection: C): Loaded<OwnDocs[C]> {
  const runtime = useRuntime();
  const source = useMemo(() => watchOwnDoc(runtime.db, collection, runtime.userId), [runtime, collection]);
  return useObservable<Loaded<OwnDocs[C]>>(source, undefined);
}

export function useProfile(): Loaded<ProfileDoc> {
  return useOwnDoc('profiles');
}

export function useSettings(): Loaded<SettingsDoc> {
  return useOwnDoc('settings');
}

export function useAccount(): Loaded<AccountDoc> {
  return useOwnDoc('accounts');
}

export type Patch<C extends EditableCollection> =
  Partial<OwnDocs[C]> | ((current: OwnDocs[C]) => Partial<OwnDocs[C]>);

/** Returns an edit function for one of the user's editable documents. */
export function useEdit<C extends EditableCollection>(collection: C): (patch: Patch<C>) => Promise<void> {
  const runtime = useRuntime();
  return useCallback(
    (patch: Patch<C>) => editOwnDoc(runtime.db, runtime.clock, collection, runtime.userId, patch),
    [runtime, collection],
  );
}
