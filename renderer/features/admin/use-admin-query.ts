// Loads an admin route for a screen; a re-authentication the server asks for is prompted for by
// the admin gate.
import type { RouteContract } from '#shared/contract/route';
import type { RouteInput } from '../../api/call-route.ts';
import { useRemoteWith } from '../server-data.ts';
import { useAdminCall } from './admin-gate.tsx';

export function useAdminQuery<R extends RouteContract>(route: R, input: RouteInput<R>) {
  return useRemoteWith(useAdminCall(), route, input);
}
