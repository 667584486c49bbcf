// Mutations on set fields (emails, phones, addresses, links, contacts, blocked): add, replace and
// remove single entries, each stamped with its own clock so concurrent edits merge per entry.
import { useCallback } from 'react';
import type { z } from 'zod';
import type { EmailValue, LinkValue, PhoneValue, PostalAddressValue } from '#shared/entities/profile';
import { withEntry, withoutEntry } from '#shared/policy/stamp';
import type { ProfileDoc } from '#shared/policy/table';
import { useRuntime } from '../../app/app-context.tsx';
import { useEdit } from '../own-docs.ts';

export interface SetValues {
  emails: z.infer<typeof EmailValue>;
  phones: z.infer<typeof PhoneValue>;
  addresses: z.infer<typeof PostalAddressValue>;
  links: z.infer<typeof LinkValue>;
}
export type ValueSetField = keyof SetValues;
export type IdSetField = 'contacts' | 'blocked';

export function newEntryId(): string {
  return crypto.randomUUID();
}

export function useSetField<F extends ValueSetField>(field: F) {
  const runtime = useRuntime();
  const edit = useEdit('profiles');
  const put = useCallback(
    (id: string, value: SetValues[F]) =>
      edit((current: ProfileDoc) => ({
        [field]: withEntry(
          current[field] as never[],
          { id, removed: false, value } as never,
          runtime.clock.now(),
        ),
      })),
    [edit, field, runtime],
  );
  const remove = useCallback(
    (id: string) =>
      edit((current: ProfileDoc) => ({
        [field]: withoutEntry(current[field] as never[], id, runtime.clock.now()),
      })),
    [edit, field, runtime],
  );
  return { add: (value: SetValues[F]) => put(newEntryId(), value), put, remove };
}

export function useIdSet(field: IdSetField) {
  const runtime = useRuntime();
  const edit = useEdit('profiles');
  const add = useCallback(
    (id: string) =>
      edit((current: ProfileDoc) => ({
        [field]: withEntry(current[field], { id, removed: false }, runtime.clock.now()),
      })),
    [edit, field, runtime],
  );
  const remove = useCallback(
    (id: string) =>
      edit((current: ProfileDoc) => ({ [field]: withoutEntry(current[field], id, runtime.clock.now()) })),
    [edit, field, runtime],
  );
  return { add, remove };
}
