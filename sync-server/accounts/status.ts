// Administrative status changes (suspend, reinstate): the row and document change together, and a
// suspended account's sessions and open streams stop at once. The admin routes build on this.
import type { AccountStatus } from '#shared/entities/account';
import { changeAccount } from './account-doc.ts';
import { audit } from './audit.ts';
import type { AccountDeps, RequestMeta } from './context.ts';

export async function setAccountStatus(
  deps: AccountDeps,
  userId: string,
  status: Extract<AccountStatus, 'active' | 'suspended'>,
  actor: { readonly actorId: string | null; readonly meta?: RequestMeta },
): Promise<void> {
  // The directory hides suspended accounts, so their entry is re-sent to every viewer.
  await changeAccount(deps, userId, { status }, { directory: true });
  if (status === 'suspended') deps.revocations.emit({ kind: 'account', userId });
  await audit(deps, {
    type: 'admin_action',
    userId,
    actorId: actor.actorId,
    ...(actor.meta ? { meta: actor.meta } : {}),
    detail: status === 'suspended' ? 'account suspended' : 'account reinstated',
  });
}
