// Hooks for data that lives only on the server (sessions, security events, tokens): typed calls
// with the signed-in session, loading / error / offline states, and a password prompt when the
// server asks to confirm it before a sensitive action.
import { useCallback, useEffect, useRef, useState } from 'react';
import { AccordError } from '#shared/errors';
import { authRoutes } from '#shared/contract/auth';
import type { ResponseOf, RouteContract } from '#shared/contract/route';
import { callRoute, messageOf, type RouteInput } from '../api/call-route.ts';
import { useRuntime } from '../app/app-context.tsx';

export type Remote<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly data: T }
  | { readonly kind: 'failed'; readonly message: string };

export function useCall() {
  const runtime = useRuntime();
  return useCallback(
    <R extends RouteContract>(route: R, input: RouteInput<R>) =>
      callRoute(runtime.session.client, route, input),
    [runtime],
  );
}

/** Loads `route` when mounted and whenever `reload` is called. */
export function useRemote<R extends RouteContract>(route: R, input: RouteInput<R>) {
  return useRemoteWith(useCall(), route, input);
}

type Caller = <R extends RouteContract>(route: R, input: RouteInput<R>) => Promise<ResponseOf<R>>;

/**
 * Loads `route` through `call` (the admin console passes one that prompts for re-authentication):
 * loading / ready / failed, again when the input changes or `reload` is called. A reload keeps
 * showing the data it replaces, so what is on screen (a success message) stays put.
 */
export function useRemoteWith<R extends RouteContract>(call: Caller, route: R, input: RouteInput<R>) {
  const [state, setState] = useState<Remote<ResponseOf<R>>>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  const key = JSON.stringify(input);
  const loadedKey = useRef<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    if (loadedKey.current !== key) setState({ kind: 'loading' });
    loadedKey.current = key;
    call(route, JSON.parse(key) as RouteInput<R>)
      .then((data) => {
        if (!cancelled) setState({ kind: 'ready', data });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ kind: 'failed', message: messageOf(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [call, route, key, version]);
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
  }, []);
  return { state, reload };
}

export function isReauthRequired(error: unknown): boolean {
  return error instanceof AccordError && error.code === 'reauthentication_required';
}

/** Confirms the password (and code) so the server allows sensitive actions for a while. */
export function useReauthenticate() {
  const call = useCall();
  return useCallback(
    async (password: string, totpCode?: string) => {
      await call(authRoutes.reauthenticate, {
        body: { password, ...(totpCode !== undefined && totpCode !== '' ? { totpCode } : {}) },
      });
    },
    [call],
  );
}
