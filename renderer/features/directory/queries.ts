// Data hooks for the directory: other people's profiles as the server projected them for us,
// and our relation to each (contact, blocked) from our own profile.
import { useMemo } from 'react';
import { map } from 'rxjs';
import { liveEntries } from '#shared/policy/set-entry';
import { useRuntime } from '../../app/app-context.tsx';
import { useObservable } from '../../app/use-observable.ts';
import { plain } from '../../db/documents.ts';
import type { DirectoryDoc } from '../../db/validation.ts';
import { useProfile } from '../own-docs.ts';

export function useDirectory(): readonly DirectoryDoc[] | undefined {
  const runtime = useRuntime();
  const source = useMemo(
    () =>
      runtime.db.directory
        .find()
        .$.pipe(
          map((docs) =>
            docs
              .map((doc) => plain(doc))
              .sort((a, b) => (a.displayName ?? '').localeCompare(b.displayName ?? '')),
          ),
        ),
    [runtime],
  );
  return useObservable<readonly DirectoryDoc[] | undefined>(source, undefined);
}

export function useDirectoryPerson(id: string): DirectoryDoc | null | undefined {
  const runtime = useRuntime();
  const source = useMemo(
    () => runtime.db.directory.findOne(id).$.pipe(map((doc) => (doc === null ? null : plain(doc)))),
    [runtime, id],
  );
  return useObservable<DirectoryDoc | null | undefined>(source, undefined);
}

export interface Relations {
  readonly contacts: ReadonlySet<string>;
  readonly blocked: ReadonlySet<string>;
}

export function useRelations(): Relations {
  const profile = useProfile();
  return useMemo(
    () => ({
      contacts: new Set(liveEntries(profile?.contacts ?? []).map((entry) => entry.id)),
      blocked: new Set(liveEntries(profile?.blocked ?? []).map((entry) => entry.id)),
    }),
    [profile],
  );
}

export function matches(doc: DirectoryDoc, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return [doc.displayName, doc.headline, doc.pronouns, doc.legalName]
    .filter((value): value is string => typeof value === 'string')
    .some((value) => value.toLowerCase().includes(needle));
}
