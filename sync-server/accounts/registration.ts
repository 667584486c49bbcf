// Registration and email verification: the answer never says whether an address is registered;
// the account works once the emailed code confirms the address, which also signs the device in.
import type { FastifyReply } from 'fastify';
import type { SessionTokens } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import { changeAccount } from './account-doc.ts';
import { audit } from './audit.ts';
import type { AccountDeps, RequestMeta } from './context.ts';
import { assertAddressNotThrottled, countMailRequest, recordAddressFailure } from './lockout.ts';
import { mails, sendMail } from './mail-templates.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { provisionAccount } from './provision.ts';
import { startSession } from './sessions.ts';
import { consumeEmailCode, issueEmailCode } from './verification-codes.ts';

export const REGISTRATION_ACCEPTED =
  'Check your inbox: if this address can be registered, a confirmation code is on its way.';
export const RESEND_ACCEPTED = 'If this address is waiting for confirmation, a new code is on its way.';

const HOUR = 3_600_000;

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly displayName?: string | undefined;
}

/**
 * Checks what can be checked without looking the address up, answers, and does the rest in the
 * background, so registered and new addresses get the same answer in the same time.
 */
export async function register(
  deps: AccountDeps,
  registration: Registration,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<{ message: string }> {
  await countMailRequest(deps, meta, reply);
  assertAcceptablePassword(registration.password, registration.email, 'password');
  const email = registration.email.trim().toLowerCase();
  deps.tasks.run('register', () => completeRegistration(deps, { ...registration, email }, meta));
  return { message: REGISTRATION_ACCEPTED };
}

async function completeRegistration(
  deps: AccountDeps,
  registration: Registration,
  meta: RequestMeta,
): Promise<void> {
  const { email } = registration;
  const existing = await deps.store.findUserByEmail(email);
  if (existing !== undefined && existing.emailVerified) {
    // At most one notice an hour, however often someone tries the address.
    const notices = await deps.store.countThrottleHit(
      `notice-registered:${existing.id}`,
      new Date(deps.now()).toISOString(),
      new Date(deps.now() - HOUR).toISOString(),
    );
    if (notices.hits === 1) sendMail(deps, mails.alreadyRegistered(existing.email));
    return;
  }
  const passwordHash = await deps.passwords.hash(registration.password);
  let userId: string;
  if (existing === undefined) {
    try {
      userId = await provisionAccount(
        deps.store,
        deps.clock,
        {
          email,
          passwordHash,
          emailVerified: false,
          ...(registration.displayName ? { displayName: registration.displayName } : {}),
        },
        new Date(deps.now()),
      );
    } catch (error) {
      // A concurrent registration of the same address won; it sends its own code.
      if (error instanceof AccordError && error.code === 'conflict') return;
      throw error;
    }
    await audit(deps, { type: 'registered', userId, meta });
  } else {
    // Not yet confirmed: the password changes only together with a new code (the old code stops
    // working), so whoever confirms the address with the latest code also chose its password.
    userId = existing.id;
    const code = await issueEmailCode(deps, userId, 'verify-email', null);
    if (code === undefined) return;
    await deps.store.updateUser(userId, {
      passwordHash,
      passwordChangedAt: new Date(deps.now()).toISOString(),
    });
    sendMail(deps, mails.verifyEmail(email, code, deps.limits.codeTtlMs));
    return;
  }
  const code = await issueEmailCode(deps, userId, 'verify-email', null);
  if (code !== undefined) sendMail(deps, mails.verifyEmail(email, code, deps.limits.codeTtlMs));
}

export async function resendVerification(
  deps: AccountDeps,
  email: string,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<{ message: string }> {
  await countMailRequest(deps, meta, reply);
  deps.tasks.run('resend-verification', async () => {
    const user = await deps.store.findUserByEmail(email);
    if (user === undefined || user.emailVerified) return;
    const code = await issueEmailCode(deps, user.id, 'verify-email', null);
    if (code !== undefined) sendMail(deps, mails.verifyEmail(user.email, code, deps.limits.codeTtlMs));
  });
  return { message: RESEND_ACCEPTED };
}

/** Confirms the address with its code, activates the account and signs this device in. */
export async function verifyEmail(
  deps: AccountDeps,
  request: { email: string; code: string; deviceName: string },
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<SessionTokens> {
  await assertAddressNotThrottled(deps, meta, reply);
  const user = await deps.store.findUserByEmail(request.email);
  const pending = user !== undefined && !user.emailVerified ? user : undefined;
  try {
    await consumeEmailCode(deps, pending?.id, 'verify-email', request.code);
  } catch (error) {
    await recordAddressFailure(deps, meta);
    throw error;
  }
  if (pending === undefined) throw new AccordError('code_invalid', 'That code is not right.', 'code');
  // The directory hides unconfirmed accounts; confirming re-sends the entry to viewers.
  await changeAccount(deps, pending.id, { emailVerified: true }, { directory: true });
  await audit(deps, { type: 'email_verified', userId: pending.id, meta });
  const tokens = await startSession(deps, pending.id, request.deviceName, meta);
  await audit(deps, { type: 'sign_in_succeeded', userId: pending.id, meta, detail: 'email confirmation' });
  return tokens;
}
