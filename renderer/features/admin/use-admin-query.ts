// Loads an admin route for a screen: loading / ready / failed, reloaded on demand or when the
// input changes; a re-authentication the server asks for is prompted for by the admin gate. A
// reload keeps showing the data it replaces, so what is on screen (a success message) stays put.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResponseOf, RouteContract } from '#shared/contract/route';
import { messageOf, type RouteInput } from '../../api/call-route.ts';
import type { Remote } from '../server-data.ts';
import { useAdminCall } from './admin-gate.tsx';

export function useAdminQuery<R extends RouteContract>(route: R, input: RouteInput<R>) {
  const call = useAdminCall();
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
