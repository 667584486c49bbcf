// Writes account state: the users row (the authority) and the synced `accounts` document (what
// devices see), together, with the document's fields stamped by the server's hybrid clock.
import { deepEqual } from '#shared/canonical';
import type { AccountStatus } from '#shared/entities/account';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument, type AnyDoc } from '#shared/policy/table';
import type { UserChange } from '../storage/store.ts';
import type { AccountDeps } from './context.ts';

/** The server-written fields of the account document (a type alias: it is passed as a patch record). */
export type AccountDocPatch = {
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly pendingEmail?: string | null;
  readonly status?: AccountStatus;
  readonly twoFactorEnabled?: boolean;
  readonly deletionDueAt?: string | null;
};

/** The document fields that mirror a row change; secrets and bookkeeping have no document field. */
function mirrored(change: UserChange): AccountDocPatch {
  return {
    ...(change.email === undefined ? {} : { email: change.email.toLowerCase() }),
    ...(change.emailVerified === undefined ? {} : { emailVerified: change.emailVerified }),
    ...(change.pendingEmail === undefined
      ? {}
      : { pendingEmail: change.pendingEmail?.toLowerCase() ?? null }),
    ...(change.status === undefined ? {} : { status: change.status }),
    ...(change.totpSecret === undefined ? {} : { twoFactorEnabled: change.totpSecret !== null }),
    ...(change.deletionDueAt === undefined ? {} : { deletionDueAt: change.deletionDueAt }),
  };
}

/**
 * Applies `change` to the user's row and the matching fields to the account document in one
 * transaction. `directory` re-sends the owner's directory entry (status and verification decide
 * whether other people see the profile at all).
 */
export async function changeAccount(
  deps: Pick<AccountDeps, 'store' | 'clock'>,
  userId: string,
  change: UserChange,
  options: { readonly directory?: boolean } = {},
): Promise<void> {
  const patch = mirrored(change);
  await deps.store.updateAccount(userId, change, (current) => {
    const base: AnyDoc =
      current === undefined || current.deleted ? newDocument('account', userId) : current.data;
    const data = applyLocalEdit('account', base, patch, () => deps.clock.now());
    const unchanged = current !== undefined && !current.deleted && deepEqual(data, current.data);
    return {
      ...(unchanged ? {} : { write: { data, deleted: false, ownerId: userId } }),
      ...(options.directory === true ? { touchDirectory: [userId] } : {}),
      result: undefined,
    };
  });
}
