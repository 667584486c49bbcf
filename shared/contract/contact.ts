// The contact verification contract: proving control of the email addresses and phone numbers in
// one's profile with single-use codes. Adding an address (on any device, offline too) syncs it
// unverified; the server then sends a code to it, and only the server sets `verified`.
import { z } from 'zod';
import { Timestamp } from '../entities/values.ts';
import { EntryId } from '../policy/set-entry.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

export const contactKinds = ['email', 'phone'] as const;
export const ContactKind = z.enum(contactKinds);
export type ContactKind = z.infer<typeof ContactKind>;

/** The profile field that holds each kind of contact. */
export const contactFieldOf = { email: 'emails', phone: 'phones' } as const satisfies Record<
  ContactKind,
  string
>;

export const ContactCode = z.string().regex(/^\d{6}$/, 'enter the 6-digit code you received');

/**
 * Where an entry stands:
 * - `verified`: confirmed (by a code, or as the account's sign-in address);
 * - `code_sent`: a code is out and can be entered until `expiresAt`;
 * - `code_expired`, `code_used_up` (too many wrong guesses): ask for a new code;
 * - `not_sent`: no code went out yet (sending was throttled); ask for one at `resendAvailableAt`;
 * - `in_use_elsewhere`: the right code was entered, but another account has this address verified;
 * - `invalid_number`: the phone number is not a real number, so no code can be sent.
 */
export const contactStates = [
  'verified',
  'code_sent',
  'code_expired',
  'code_used_up',
  'not_sent',
  'in_use_elsewhere',
  'invalid_number',
] as const;
export const ContactState = z.enum(contactStates);
export type ContactState = z.infer<typeof ContactState>;

export const ContactVerification = z.object({
  kind: ContactKind,
  entryId: EntryId,
  /** The address as the server checks it: lower-case email, or the number in E.164. */
  address: z.string(),
  state: ContactState,
  /** Whether this is the account's sign-in address (changed only through the email-change flow). */
  primary: z.boolean(),
  codeSentAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  /** Wrong guesses left for the current code. */
  attemptsLeft: z.number().int().nonnegative(),
  /** When "resend" is next allowed (null: now). */
  resendAvailableAt: Timestamp.nullable(),
});
export type ContactVerification = z.infer<typeof ContactVerification>;

export const VerifyContactBody = z.object({ kind: ContactKind, entryId: EntryId, code: ContactCode });
export const ResendContactBody = z.object({ kind: ContactKind, entryId: EntryId });

const E = { ...commonErrors, ...authErrors };
const tags = ['contact'] as const;

export const contactRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/api/contact/verifications',
    auth: 'session',
    tags,
    summary: 'Verification state of every email address and phone number in your profile',
    description:
      'One row per live entry of `emails` and `phones`, in the order of the profile. Entries reach the ' +
      'server by sync; a code goes out shortly after an address is added or changed.',
    responses: { 200: z.object({ verifications: z.array(ContactVerification) }) },
    errors: E,
  }),
  verify: defineRoute({
    method: 'POST',
    path: '/api/contact/verify',
    auth: 'session',
    tags,
    summary: 'Confirm an email address or phone number with the code sent to it',
    description:
      'A right code marks the entry `verified: true` in your profile (a server write with a fresh clock, so ' +
      'every device adopts it). A code works once, for 10 minutes, and 5 wrong guesses void it. An address ' +
      'can be verified on one account only.',
    body: VerifyContactBody,
    responses: { 200: ContactVerification },
    errors: {
      ...E,
      400: 'Wrong, expired, used or voided code (`code_invalid`, `code_expired`).',
      404: 'No such email address or phone number in your profile.',
      409: 'The address is already verified on another account, or the entry changed meanwhile.',
    },
  }),
  resend: defineRoute({
    method: 'POST',
    path: '/api/contact/resend',
    auth: 'session',
    tags,
    summary: 'Send a new code to an unverified email address or phone number (throttled)',
    description:
      'The previous code stops working. At most one code a minute and 5 an hour per entry, and a cap per ' +
      'account and per address; past it the answer is 429 with Retry-After.',
    body: ResendContactBody,
    responses: { 202: ContactVerification },
    errors: {
      ...E,
      400: 'The entry is verified already, or its phone number is not valid.',
      404: 'No such email address or phone number in your profile.',
    },
  }),
} as const;
