// Reads the email and phone entries of a profile and plans what makes the verification table and
// the document agree. Pure: the reconciler runs the plan. The table is the authority on `verified`;
// the account's verified sign-in address is verified (and primary) without a code of its own.
import type { ContactKind } from '#shared/contract/contact';
import { normalisePhone } from '#shared/entities/phone';
import { profileFields } from '#shared/entities/profile';
import type { AnyDoc } from '#shared/policy/table';
import type { ContactVerificationRecord } from '../storage/store.ts';

export interface ContactEntry {
  readonly kind: ContactKind;
  readonly entryId: string;
  /** The address or number as the profile holds it. */
  readonly stored: string;
  /** Lower-case email or normalised E.164 number; null for a number that is not a real one. */
  readonly address: string | null;
  readonly verified: boolean;
  readonly primary: boolean;
}

/** The live (not removed) email and phone entries of a profile, emails first, in document order. */
export function contactEntries(profile: AnyDoc | undefined): ContactEntry[] {
  if (profile === undefined) return [];
  const emails = profileFields.emails.schema.safeParse(profile.emails);
  const phones = profileFields.phones.schema.safeParse(profile.phones);
  const out: ContactEntry[] = [];
  for (const entry of emails.success ? emails.data : []) {
    if (entry.removed) continue;
    const { address, verified, primary } = entry.value;
    out.push({
      kind: 'email',
      entryId: entry.id,
      stored: address,
      address: emailKey(address),
      verified,
      primary,
    });
  }
  for (const entry of phones.success ? phones.data : []) {
    if (entry.removed) continue;
    const { number, verified } = entry.value;
    out.push({
      kind: 'phone',
      entryId: entry.id,
      stored: number,
      address: phoneKey(number),
      verified,
      primary: false,
    });
  }
  return out;
}

export function emailKey(address: string): string {
  return address.trim().toLowerCase();
}

export function phoneKey(number: string): string | null {
  const parsed = normalisePhone(number);
  return parsed.ok ? parsed.e164 : null;
}

/** `kind:address`, to use a pair as a map key. */
export function addressId(kind: ContactKind, address: string): string {
  return `${kind}:${address}`;
}

/** The account's sign-in address (lower case) when it is verified: verified and primary in the profile. */
export type SignInAddress = string | undefined;

export interface ContactAddress {
  readonly kind: ContactKind;
  readonly address: string;
  /** Where a code goes: the address as one of its entries holds it. */
  readonly sendTo: string;
}

export interface ContactPlan {
  /** Rows to delete: their address left the profile (cancels a pending code, frees a verified one). */
  readonly drop: readonly ContactAddress[];
  /**
   * The verified sign-in address when the table does not hold it verified yet: recorded, so it
   * stays verified for this account (and reserved) after the sign-in address changes.
   */
  readonly adopt: readonly ContactAddress[];
  /** Addresses without a row: open a verification and send a code. */
  readonly open: readonly ContactAddress[];
  /** Addresses verified in the table. */
  readonly verified: ReadonlySet<string>;
}

/**
 * Only the table makes an entry verified: an entry that says `verified` without a verified row
 * (e.g. a verified entry whose address was edited, which keeps the server-owned flag) is reset
 * and gets a code like any new address.
 */
export function planContacts(
  entries: readonly ContactEntry[],
  rows: readonly ContactVerificationRecord[],
  signIn: SignInAddress,
): ContactPlan {
  const rowById = new Map(rows.map((row) => [addressId(row.kind, row.address), row]));
  const live = new Map<string, ContactAddress>();
  let signInListed = false;
  for (const entry of entries) {
    if (entry.address === null) continue;
    if (isSignIn(entry, signIn)) {
      signInListed = true;
      continue;
    }
    const id = addressId(entry.kind, entry.address);
    if (!live.has(id)) live.set(id, { kind: entry.kind, address: entry.address, sendTo: sendToOf(entry) });
  }
  const drop: ContactAddress[] = [];
  const verified = new Set<string>();
  for (const [id, row] of rowById) {
    // The verified row of the sign-in address stays: it keeps the address reserved for this account.
    const keep =
      live.has(id) || (row.status === 'verified' && row.kind === 'email' && row.address === signIn);
    if (!keep) drop.push({ kind: row.kind, address: row.address, sendTo: row.address });
    else if (row.status === 'verified') verified.add(id);
  }
  const adopt: ContactAddress[] = [];
  if (
    signIn !== undefined &&
    signInListed &&
    rowById.get(addressId('email', signIn))?.status !== 'verified'
  ) {
    adopt.push({ kind: 'email', address: signIn, sendTo: signIn });
  }
  const open = [...live].filter(([id]) => !rowById.has(id)).map(([, address]) => address);
  return { drop, adopt, open, verified };
}

/** Where a code goes: an email as the entry spells it, a number in E.164. */
export function sendToOf(entry: ContactEntry): string {
  return entry.kind === 'phone' && entry.address !== null ? entry.address : entry.stored;
}

export function isSignIn(entry: ContactEntry, signIn: SignInAddress): boolean {
  return entry.kind === 'email' && signIn !== undefined && entry.address === signIn;
}

/** What one entry should hold: the server-owned keys, and a phone number in normalised form. */
export interface EntryTarget {
  readonly verified: boolean;
  readonly primary: boolean;
  readonly stored: string;
}

/**
 * `signInHeld` is false when another account had the sign-in address verified by code before it
 * became this account's: the entry stays primary but not verified (one account per address).
 */
export function targetOf(
  entry: ContactEntry,
  verified: ReadonlySet<string>,
  signIn: SignInAddress,
  signInHeld = true,
): EntryTarget {
  if (entry.address === null) return { verified: false, primary: false, stored: entry.stored };
  const primary = isSignIn(entry, signIn);
  return {
    verified: (primary && signInHeld) || verified.has(addressId(entry.kind, entry.address)),
    primary,
    // Phones are stored in the one canonical E.164 spelling of the number.
    stored: entry.kind === 'phone' ? entry.address : entry.stored,
  };
}

export function differs(entry: ContactEntry, target: EntryTarget): boolean {
  return (
    entry.verified !== target.verified || entry.primary !== target.primary || entry.stored !== target.stored
  );
}
