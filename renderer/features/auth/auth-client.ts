// Calls that happen before or around sign-in (no access token yet), typed from the auth contract.
import { useMemo } from 'react';
import { useManager } from '../../app/app-context.tsx';
import type { ApiClient } from '../../api/call-route.ts';

export function useAnonymousClient(): ApiClient {
  const manager = useManager();
  return useMemo(() => ({ baseUrl: manager.baseUrl, fetch: (input, init) => fetch(input, init) }), [manager]);
}
