// The contact verification API: list states, verify with a code, resend a code.
import type { FastifyReply } from 'fastify';
import { contactRoutes, type ContactKind, type ContactVerification } from '#shared/contract/contact';
import { AccordError } from '#shared/errors';
import { requestMeta } from '../accounts/context.ts';
import { assertAddressNotThrottled, countMailRequest, recordAddressFailure } from '../accounts/lockout.ts';
import type { RouteRegistry } from '../http/routes.ts';
import type { ContactKey } from '../storage/store.ts';
import { contactEntries, sendToOf, type ContactEntry } from './entries.ts';
import { signInAddress } from './reconcile.ts';
import { patchEntries } from './profile-writes.ts';
import { hashContactCode, sendCode, type ContactDeps } from './send-code.ts';
import { resendAt, verificationOf } from './status.ts';

/** Brings the table up to date with the profile first (a run after this call), then answers. */
export type Reconcile = (userId: string) => Promise<void>;

const codeMessages = {
  missing: 'That code is not right. Check the latest message, or ask for a new code.',
  wrong: 'That code is not right. Check the latest message, or ask for a new code.',
  used: 'That code was already used.',
  exhausted: 'Too many wrong codes. Ask for a new code.',
  expired: 'That code has expired. Ask for a new code.',
} as const;

export function registerContactRoutes(
  registry: RouteRegistry,
  deps: ContactDeps,
  reconcile: Reconcile,
): void {
  registry.authed(contactRoutes.list, async ({ auth }) => {
    await reconcile(auth.userId);
    const entries = contactEntries((await deps.store.getDocument('profiles', auth.userId))?.data);
    const verifications = await Promise.all(entries.map((entry) => describe(deps, auth.userId, entry)));
    return { verifications };
  });

  registry.authed(contactRoutes.verify, async ({ auth, body, request, reply }) => {
    const meta = requestMeta(request);
    await assertAddressNotThrottled(deps, meta, reply);
    const entry = await findEntry(deps, auth.userId, body.kind, body.entryId);
    const key = keyOf(auth.userId, entry);
    const check = await deps.store.contacts.consumeCode(
      key,
      hashContactCode(key, body.code),
      new Date(deps.now()).toISOString(),
      deps.limits.codeMaxAttempts,
    );
    if (!check.ok) {
      if (check.reason === 'taken') {
        throw new AccordError('conflict', 'This address is already verified on another account.', 'entryId');
      }
      if (check.reason === 'wrong' || check.reason === 'missing') await recordAddressFailure(deps, meta);
      throw new AccordError(
        check.reason === 'expired' ? 'code_expired' : 'code_invalid',
        codeMessages[check.reason],
        'code',
      );
    }
    await markVerified(deps, auth.userId, key);
    await reconcile(auth.userId);
    return describe(deps, auth.userId, await findEntry(deps, auth.userId, body.kind, body.entryId));
  });

  registry.authed(contactRoutes.resend, async ({ auth, body, request, reply }) => {
    const entry = await findEntry(deps, auth.userId, body.kind, body.entryId);
    if (entry.verified)
      throw new AccordError('invalid_value', 'This address is verified already.', 'entryId');
    const key = keyOf(auth.userId, entry);
    await countMailRequest(deps, requestMeta(request), reply);
    let row = await deps.store.contacts.get(key);
    if (row === undefined) {
      await reconcile(auth.userId);
      row = await deps.store.contacts.get(key);
    }
    if (row === undefined || row.status !== 'pending') return describe(deps, auth.userId, entry);
    const wait = row.codeSentAt === null ? null : resendAt({ ...row, sendCount: 0 }, deps.limits, deps.now());
    if (wait !== null) tooSoon(reply, deps, wait);
    const outcome = await sendCode(deps, row, sendToOf(entry));
    if (!outcome.sent && outcome.reason === 'throttled') tooSoon(reply, deps, outcome.retryAt);
    return describe(deps, auth.userId, entry);
  });
}

async function findEntry(
  deps: ContactDeps,
  userId: string,
  kind: ContactKind,
  entryId: string,
): Promise<ContactEntry> {
  const profile = await deps.store.getDocument('profiles', userId);
  const entry = contactEntries(profile?.data).find((e) => e.kind === kind && e.entryId === entryId);
  if (entry === undefined) {
    throw new AccordError(
      'not_found',
      `Your profile has no such ${kind === 'email' ? 'email address' : 'phone number'}.`,
      'entryId',
    );
  }
  if (entry.address === null) {
    throw new AccordError('invalid_value', 'This is not a valid phone number; correct it first.', 'entryId');
  }
  return entry;
}

function keyOf(userId: string, entry: ContactEntry): ContactKey {
  if (entry.address === null)
    throw new AccordError('invalid_value', 'This is not a valid phone number.', 'entryId');
  return { userId, kind: entry.kind, address: entry.address };
}

/** Sets `verified` on every live entry that holds the address, with fresh server clocks. */
async function markVerified(deps: ContactDeps, userId: string, key: ContactKey): Promise<void> {
  const [profile, account] = await Promise.all([
    deps.store.getDocument('profiles', userId),
    deps.store.getDocument('accounts', userId),
  ]);
  const signIn = signInAddress(account?.deleted === false ? account.data : undefined);
  const patches = contactEntries(profile?.data)
    .filter((entry) => entry.kind === key.kind && entry.address === key.address && !entry.verified)
    .map((entry) => ({
      kind: entry.kind,
      entryId: entry.entryId,
      expect: entry.stored,
      target: {
        verified: true,
        primary: entry.kind === 'email' && entry.address === signIn,
        stored: entry.address ?? entry.stored,
      },
    }));
  const applied = await patchEntries(deps, userId, patches);
  if (patches.length > 0 && applied.length === 0) {
    throw new AccordError('conflict', 'The entry changed while it was being verified; try again.', 'entryId');
  }
}

async function describe(
  deps: ContactDeps,
  userId: string,
  entry: ContactEntry,
): Promise<ContactVerification> {
  const row = entry.address === null ? undefined : await deps.store.contacts.get(keyOf(userId, entry));
  return verificationOf(entry, row, deps.limits, deps.now());
}

function tooSoon(reply: FastifyReply, deps: ContactDeps, until: string): never {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - deps.now()) / 1000));
  reply.header('retry-after', String(seconds));
  throw new AccordError('rate_limited', `A new code can be sent in ${seconds} s.`);
}
