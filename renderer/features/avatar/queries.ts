// Data hooks for avatar images: an object URL for a reference (local at once, fetched when needed)
// and choosing a new avatar (kept locally, queued for upload, referenced from the profile).
import { useCallback, useMemo } from 'react';
import { of } from 'rxjs';
import type { AvatarRef } from '#shared/entities/values';
import { useRuntime } from '../../app/app-context.tsx';
import { useObservable } from '../../app/use-observable.ts';
import { useEdit } from '../own-docs.ts';

export function useAvatarUrl(ref: AvatarRef | null | undefined): string | undefined {
  const runtime = useRuntime();
  const hash = ref?.hash;
  const mime = ref?.mime;
  const size = ref?.size;
  const source = useMemo(
    () =>
      hash !== undefined && mime !== undefined && size !== undefined
        ? runtime.avatars.url$({ hash, mime, size })
        : of(undefined),
    [runtime, hash, mime, size],
  );
  return useObservable<string | undefined>(source, undefined);
}

export function useSetAvatar() {
  const runtime = useRuntime();
  const edit = useEdit('profiles');
  const set = useCallback(
    async (bytes: Uint8Array<ArrayBuffer>, mime: AvatarRef['mime']) => {
      const ref = await runtime.avatars.add(bytes, mime);
      await edit({ avatar: ref });
      return ref;
    },
    [runtime, edit],
  );
  const remove = useCallback(() => edit({ avatar: null }), [edit]);
  return { set, remove };
}
