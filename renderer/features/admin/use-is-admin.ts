// Whether the signed-in user is an administrator: the role field of their own account document,
// which the server replicates to every device (and changes there when an admin changes it).
import { useAccount } from '../own-docs.ts';

export function useIsAdmin(): boolean {
  return useAccount()?.role === 'admin';
}
