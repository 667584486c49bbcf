// Sends a verification code to a contact address under the same rules as account codes (six
// digits, single use, 10 minutes, hashed, a minute between sends, 5 an hour) plus caps per account
// and per address across accounts, so nobody can use profiles to flood someone else's inbox or phone.
import { createHash } from 'node:crypto';
import type { ContactKind } from '#shared/contract/contact';
import type { AccountDeps } from '../accounts/context.ts';
import { newEmailCode } from '../accounts/verification-codes.ts';
import type { ContactKey, ContactVerificationRecord } from '../storage/store.ts';
import { contactEmailCode, contactPhoneCode } from './messages.ts';
import type { SmsTransport } from './sms.ts';

export interface ContactDeps extends AccountDeps {
  readonly sms: SmsTransport;
}

const HOUR_MS = 3_600_000;
/** Codes one account may have sent to all its addresses per hour (a profile holds up to 40). */
const SENDS_PER_ACCOUNT_MULTIPLIER = 4;

/** Bound to the account, kind and address, so a stored hash is useless for any other. */
export function hashContactCode(key: ContactKey, code: string): string {
  return createHash('sha256')
    .update(`contact:${key.kind}:${key.userId}:${key.address}:${code}`)
    .digest('hex');
}

export type SendOutcome =
  | { readonly sent: true }
  | { readonly sent: false; readonly reason: 'throttled'; readonly retryAt: string }
  | { readonly sent: false; readonly reason: 'raced' };

/**
 * Stores a fresh code on the address's pending row and sends it; the previous code stops working.
 * `row` is the row as read before: the write is compare-and-set on its last send.
 */
export async function sendCode(
  deps: ContactDeps,
  row: ContactVerificationRecord,
  sendTo: string,
): Promise<SendOutcome> {
  const now = deps.now();
  const windowStart = row.sendWindowStartedAt === null ? undefined : Date.parse(row.sendWindowStartedAt);
  const windowOpen = windowStart !== undefined && now < windowStart + HOUR_MS;
  const sendCount = windowOpen ? row.sendCount + 1 : 1;
  if (windowOpen && sendCount > deps.limits.codeSendsPerHour) {
    return { sent: false, reason: 'throttled', retryAt: new Date(windowStart + HOUR_MS).toISOString() };
  }
  const capped = await capReached(deps, row);
  if (capped !== undefined) return { sent: false, reason: 'throttled', retryAt: capped };
  const code = newEmailCode();
  const at = new Date(now).toISOString();
  const stored = await deps.store.contacts.storeCode(row, row.codeSentAt, {
    codeHash: hashContactCode(row, code),
    codeSentAt: at,
    expiresAt: new Date(now + deps.limits.codeTtlMs).toISOString(),
    sendCount,
    sendWindowStartedAt: windowOpen ? new Date(windowStart).toISOString() : at,
  });
  if (!stored) return { sent: false, reason: 'raced' };
  await deliver(deps, row.kind, sendTo, code);
  return { sent: true };
}

/** Counts the send against the account and the address; the time the cap lifts when one is reached. */
async function capReached(deps: ContactDeps, key: ContactKey): Promise<string | undefined> {
  const at = new Date(deps.now()).toISOString();
  const windowStart = new Date(deps.now() - HOUR_MS).toISOString();
  const addressHash = createHash('sha256').update(`${key.kind}:${key.address}`).digest('hex');
  const caps: [string, number][] = [
    [`contact-send:${key.userId}`, deps.limits.codeSendsPerHour * SENDS_PER_ACCOUNT_MULTIPLIER],
    [`contact-to:${addressHash}`, deps.limits.codeSendsPerHour],
  ];
  for (const [key, limit] of caps) {
    const state = await deps.store.countThrottleHit(key, at, windowStart);
    if (state.hits > limit) return new Date(Date.parse(state.windowStartedAt) + HOUR_MS).toISOString();
  }
  return undefined;
}

async function deliver(deps: ContactDeps, kind: ContactKind, to: string, code: string): Promise<void> {
  try {
    if (kind === 'email') await deps.mailer.send(contactEmailCode(to, code, deps.limits.codeTtlMs));
    else await deps.sms.send(contactPhoneCode(to, code, deps.limits.codeTtlMs));
  } catch (error) {
    // The code stays valid; the owner can ask for another once the resend interval passed.
    deps.log.error({ err: error, kind }, 'sending a contact verification code failed');
  }
}
