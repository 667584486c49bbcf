// Creates an account: the user row plus its initial profile, settings and account documents.
import { randomUUID } from 'node:crypto';
import type { HybridClock } from '#shared/hlc';
import type { Role } from '#shared/policy/field';
import { newDocument, type AnyDoc } from '#shared/policy/table';
import { applyLocalEdit } from '#shared/policy/stamp';
import type { SyncStore } from '../storage/store.ts';

export interface NewAccount {
  readonly email: string;
  readonly passwordHash: string;
  readonly role?: Role;
  readonly displayName?: string;
  /** Registration creates unverified accounts; administrators and tests may create verified ones. */
  readonly emailVerified?: boolean;
}

export async function provisionAccount(
  store: SyncStore,
  clock: HybridClock,
  account: NewAccount,
  now: Date,
): Promise<string> {
  const userId = randomUUID();
  const createdAt = now.toISOString();
  const role = account.role ?? 'user';
  const emailVerified = account.emailVerified ?? false;
  await store.createUser({
    id: userId,
    email: account.email,
    passwordHash: account.passwordHash,
    role,
    createdAt,
    emailVerified,
  });
  const stamp = () => clock.now();
  const profile = applyLocalEdit(
    'profile',
    newDocument('profile', userId),
    { displayName: account.displayName ?? '' },
    stamp,
  );
  const settings = newDocument('settings', userId);
  const accountDoc = applyLocalEdit(
    'account',
    newDocument('account', userId),
    { email: account.email.toLowerCase(), emailVerified, role, status: 'active', createdAt },
    stamp,
  );
  await writeInitial(store, 'profiles', userId, profile);
  await writeInitial(store, 'settings', userId, settings);
  await writeInitial(store, 'accounts', userId, accountDoc);
  return userId;
}

function writeInitial(
  store: SyncStore,
  collection: 'profiles' | 'settings' | 'accounts',
  userId: string,
  data: AnyDoc,
): Promise<void> {
  return store.writeDocument(collection, userId, () => ({
    write: { data, deleted: false, ownerId: userId },
    result: undefined,
  }));
}
