// Makes a profile's email and phone entries and the verification table agree, after any change to
// the profile or the account (from a push, an admin, another process). State-based, so it is
// idempotent: a retried push changes nothing and sends nothing; a new or changed address gets a
// code, a removed one loses its code, and `verified`/`primary` in the document follow the table.
import type { AnyDoc } from '#shared/policy/table';
import { AccountDoc } from '#shared/policy/table';
import type { ContactKey } from '../storage/store.ts';
import {
  addressId,
  contactEntries,
  differs,
  planContacts,
  targetOf,
  type ContactAddress,
  type SignInAddress,
} from './entries.ts';
import { patchEntries, type EntryPatch } from './profile-writes.ts';
import { sendCode, type ContactDeps } from './send-code.ts';

export async function reconcileContacts(deps: ContactDeps, userId: string): Promise<void> {
  const [profile, account, rows] = await Promise.all([
    deps.store.getDocument('profiles', userId),
    deps.store.getDocument('accounts', userId),
    deps.store.contacts.list(userId),
  ]);
  // A deleted profile's rows go with the user row when the account is purged.
  if (profile === undefined || profile.deleted) return;
  const signIn = signInAddress(account?.deleted === false ? account.data : undefined);
  const entries = contactEntries(profile.data);
  const plan = planContacts(entries, rows, signIn);
  const at = new Date(deps.now()).toISOString();

  for (const address of plan.drop) await deps.store.contacts.remove(keyOf(userId, address));
  const verified = new Set(plan.verified);
  let signInHeld = true;
  for (const address of plan.adopt) {
    // Taken only if another account verified it by code before it became this sign-in address.
    if ((await deps.store.contacts.adoptVerified(keyOf(userId, address), at)) === 'adopted') {
      verified.add(addressId(address.kind, address.address));
    } else {
      signInHeld = false;
    }
  }

  const patches: EntryPatch[] = [];
  for (const entry of entries) {
    const target = targetOf(entry, verified, signIn, signInHeld);
    if (differs(entry, target))
      patches.push({ kind: entry.kind, entryId: entry.entryId, expect: entry.stored, target });
  }
  await patchEntries(deps, userId, patches);

  for (const address of plan.open) await openVerification(deps, userId, address, at);
}

/** Opens a pending row and sends its first code; only the writer that created the row sends. */
async function openVerification(
  deps: ContactDeps,
  userId: string,
  address: ContactAddress,
  at: string,
): Promise<void> {
  const key = keyOf(userId, address);
  if (!(await deps.store.contacts.claimPending(key, at))) return;
  const row = await deps.store.contacts.get(key);
  if (row !== undefined) await sendCode(deps, row, address.sendTo);
}

function keyOf(userId: string, address: ContactAddress): ContactKey {
  return { userId, kind: address.kind, address: address.address };
}

/** The sign-in address, when the account flow verified it. */
export function signInAddress(account: AnyDoc | undefined): SignInAddress {
  const parsed = AccountDoc.safeParse(account);
  if (!parsed.success || !parsed.data.emailVerified) return undefined;
  return parsed.data.email.trim().toLowerCase();
}
