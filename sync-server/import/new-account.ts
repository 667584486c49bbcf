// A complete new account (row, profile, settings and account documents, first audit events) for
// the store's all-or-nothing `admin.createAccounts`: imports and the command line create accounts
// this way, so a rejected or failed account leaves nothing behind.
import { randomUUID } from 'node:crypto';
import type { HybridClock } from '#shared/hlc';
import type { Role } from '#shared/policy/field';
import { applyLocalEdit } from '#shared/policy/stamp';
import { documentSchemas, newDocument, type AnyDoc } from '#shared/policy/table';
import type { AuditEventRecord, NewAccountRecord } from '../storage/store.ts';

export interface AccountSeed {
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly emailVerified: boolean;
  readonly createdAt: string;
  /** Profile and settings field values as documents hold them (sets as entries). */
  readonly profile?: Readonly<Record<string, unknown>>;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Builds the account; `audit` makes its first audit events once the id is known. */
export function newAccountRecord(
  clock: HybridClock,
  seed: AccountSeed,
  audit: (userId: string) => AuditEventRecord[],
  id: string = randomUUID(),
): NewAccountRecord {
  const stamp = () => clock.now();
  const email = seed.email.toLowerCase();
  const profile = applyLocalEdit('profile', newDocument('profile', id), seed.profile ?? {}, stamp);
  const settings = applyLocalEdit('settings', newDocument('settings', id), seed.settings ?? {}, stamp);
  const account = applyLocalEdit(
    'account',
    newDocument('account', id),
    {
      email,
      emailVerified: seed.emailVerified,
      role: seed.role,
      status: 'active',
      createdAt: seed.createdAt,
    },
    stamp,
  );
  // The documents are checked whole by the same schemas replication uses: nothing invalid is stored.
  const documents = {
    profiles: documentSchemas.profile.parse(profile) as AnyDoc,
    settings: documentSchemas.settings.parse(settings) as AnyDoc,
    accounts: documentSchemas.account.parse(account) as AnyDoc,
  };
  return {
    user: {
      id,
      email,
      passwordHash: seed.passwordHash,
      role: seed.role,
      createdAt: seed.createdAt,
      emailVerified: seed.emailVerified,
    },
    documents,
    audit: audit(id),
  };
}
