// The account entity: identity and status the server owns; secrets never leave the server.
import { z } from 'zod';
import { field } from '../policy/field.ts';
import { Role } from '../policy/field.ts';
import { Email, Timestamp } from './values.ts';

export const accountStatuses = ['active', 'suspended', 'pending-deletion'] as const;
export const AccountStatus = z.enum(accountStatuses);
export type AccountStatus = z.infer<typeof AccountStatus>;

export const accountFields = {
  email: field({
    label: 'Sign-in email',
    description: 'The primary address; changed only through the verified email-change flow.',
    schema: Email,
    initial: 'unset@invalid.example',
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  emailVerified: field({
    label: 'Email verified',
    description: 'Whether the sign-in email was confirmed with a code.',
    schema: z.boolean(),
    initial: false,
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  pendingEmail: field({
    label: 'Pending email',
    description: 'A new sign-in email waiting for verification.',
    schema: Email.nullable(),
    initial: null,
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  role: field({
    label: 'Role',
    description: 'user or admin.',
    schema: Role,
    initial: 'user',
    visibility: 'private',
    writer: 'admin',
    merge: 'server',
    export: 'include',
  }),
  status: field({
    label: 'Status',
    description: 'active, suspended (by an administrator) or pending-deletion (grace period).',
    schema: AccountStatus,
    initial: 'active',
    visibility: 'private',
    writer: 'admin',
    merge: 'server',
    export: 'include',
  }),
  twoFactorEnabled: field({
    label: 'Two-factor enabled',
    description: 'Whether sign-in asks for an authenticator code.',
    schema: z.boolean(),
    initial: false,
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  createdAt: field({
    label: 'Created',
    description: 'When the account was registered.',
    schema: Timestamp,
    initial: '1970-01-01T00:00:00.000Z',
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  deletionDueAt: field({
    label: 'Deletion due',
    description: 'When a pending deletion becomes final and personal data is purged.',
    schema: Timestamp.nullable(),
    initial: null,
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
};

/** Secrets: listed in the policy table (docs, export) but stored only in server tables. */
export const accountSecretFields = {
  passwordHash: field({
    label: 'Password hash',
    description: 'argon2id hash of the password.',
    schema: z.string(),
    initial: '',
    visibility: 'owner',
    writer: 'server',
    merge: 'server',
    export: 'never',
    replicated: false,
  }),
  totpSecret: field({
    label: 'TOTP secret',
    description: 'The shared secret of the authenticator app.',
    schema: z.string().nullable(),
    initial: null,
    visibility: 'owner',
    writer: 'server',
    merge: 'server',
    export: 'never',
    replicated: false,
  }),
  recoveryCodes: field({
    label: 'Recovery codes',
    description: 'Hashes of the single-use recovery codes.',
    schema: z.array(z.string()),
    initial: [],
    visibility: 'owner',
    writer: 'server',
    merge: 'server',
    export: 'never',
    replicated: false,
  }),
};
