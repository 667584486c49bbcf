// Changing the sign-in email: a code to the new address, a notice with a revert link to the old;
// the old address stays primary (the new one shows as pending on every device) until confirmed.
import type { FastifyReply } from 'fastify';
import type { Me } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import type { AuthContext } from '../auth/authenticate.ts';
import type { UserRecord } from '../storage/store.ts';
import { changeAccount } from './account-doc.ts';
import { audit } from './audit.ts';
import { challengeValue, consumeChallenge, createChallenge, openChallenge } from './challenges.ts';
import type { AccountDeps, RequestMeta } from './context.ts';
import { confirmIdentity } from './credentials.ts';
import { assertAddressNotThrottled, recordAddressFailure } from './lockout.ts';
import { mails, revertUrl, sendMail } from './mail-templates.ts';
import { recentAuthUntil, requireRecentAuth, revokeSessions } from './sessions.ts';
import { consumeEmailCode, issueEmailCode } from './verification-codes.ts';

export function meOf(deps: AccountDeps, user: UserRecord, authenticatedAt: string): Me {
  return {
    userId: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    pendingEmail: user.pendingEmail,
    role: user.role,
    status: user.status,
    twoFactorEnabled: user.twoFactorEnabled,
    createdAt: user.createdAt,
    deletionDueAt: user.deletionDueAt,
    recentAuthUntil: recentAuthUntil(deps, authenticatedAt),
    deletionGraceDays: deps.config.deletionGraceDays,
  };
}

async function revertLink(deps: AccountDeps, userId: string, oldEmail: string, newEmail: string) {
  const { token, expiresAt } = await createChallenge(
    deps,
    userId,
    'email-revert',
    deps.limits.emailRevertTtlMs,
    {
      oldEmail,
      newEmail,
    },
  );
  return { url: revertUrl(deps, token), expiresAt };
}

export async function requestEmailChange(
  deps: AccountDeps,
  auth: AuthContext,
  request: { newEmail: string; password: string },
  meta: RequestMeta,
): Promise<{ message: string }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await confirmIdentity(
    deps,
    auth.userId,
    { password: request.password, passwordField: 'password' },
    meta,
  );
  const newEmail = request.newEmail.trim().toLowerCase();
  if (newEmail === user.email) {
    throw new AccordError('invalid_value', 'That is already your sign-in address.', 'newEmail');
  }
  if ((await deps.store.findUserByEmail(newEmail)) !== undefined) {
    throw new AccordError('conflict', 'The address is in use by another account.', 'newEmail');
  }
  const code = await issueEmailCode(deps, user.id, 'change-email', newEmail);
  if (code === undefined) {
    throw new AccordError(
      'rate_limited',
      'A code was sent to that address moments ago; check your inbox or wait a minute.',
    );
  }
  await changeAccount(deps, user.id, { pendingEmail: newEmail });
  const link = await revertLink(deps, user.id, user.email, newEmail);
  sendMail(deps, mails.emailChangeCode(newEmail, code, deps.limits.codeTtlMs));
  sendMail(deps, mails.emailChangeRequested(user.email, newEmail, link.url, link.expiresAt));
  await audit(deps, { type: 'email_change_requested', userId: user.id, meta });
  return {
    message: `A code was sent to ${newEmail}. Your sign-in address stays ${user.email} until you confirm.`,
  };
}

export async function confirmEmailChange(
  deps: AccountDeps,
  auth: AuthContext,
  code: string,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<Me> {
  await assertAddressNotThrottled(deps, meta, reply);
  const user = await deps.store.findUser(auth.userId);
  if (user === undefined) throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  let target: string | null;
  try {
    target = await consumeEmailCode(
      deps,
      user.pendingEmail === null ? undefined : user.id,
      'change-email',
      code,
    );
  } catch (error) {
    await recordAddressFailure(deps, meta);
    throw error;
  }
  if (target === null || target !== user.pendingEmail) {
    throw new AccordError(
      'code_invalid',
      'That code belongs to an earlier request; use the latest one.',
      'code',
    );
  }
  await changeAccount(deps, user.id, { email: target, pendingEmail: null, emailVerified: true });
  const link = await revertLink(deps, user.id, user.email, target);
  sendMail(deps, mails.emailChanged(user.email, target, link.url, link.expiresAt));
  await audit(deps, { type: 'email_changed', userId: user.id, meta });
  const updated = await deps.store.findUser(user.id);
  if (updated === undefined)
    throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  return meOf(deps, updated, auth.authenticatedAt);
}

/** The "this was not me" link: puts the old address back (or drops the pending one) and ends every session. */
export async function revertEmailChange(
  deps: AccountDeps,
  token: string,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<{ message: string }> {
  await assertAddressNotThrottled(deps, meta, reply);
  const invalid = () => new AccordError('code_invalid', 'This link is unknown, used or expired.', 'token');
  const challenge = await openChallenge(deps, token, 'email-revert');
  const user = challenge && (await deps.store.findUser(challenge.userId));
  const oldEmail = challenge && challengeValue(challenge, 'oldEmail');
  const newEmail = challenge && challengeValue(challenge, 'newEmail');
  if (challenge === undefined || user === undefined || oldEmail === undefined || newEmail === undefined) {
    await recordAddressFailure(deps, meta);
    throw invalid();
  }
  if (!(await consumeChallenge(deps, challenge))) throw invalid();
  if (user.email === newEmail) {
    await changeAccount(deps, user.id, { email: oldEmail, pendingEmail: null, emailVerified: true });
  } else if (user.pendingEmail === newEmail) {
    await changeAccount(deps, user.id, { pendingEmail: null });
  }
  await deps.store.deleteVerificationCode(user.id, 'change-email');
  await deps.store.deleteChallenges(user.id, 'email-revert');
  const ended = await revokeSessions(deps, { userId: user.id }, 'email-change-reverted');
  await audit(deps, {
    type: 'email_change_reverted',
    userId: user.id,
    meta,
    detail: `${ended.length} sessions ended`,
  });
  sendMail(deps, mails.emailReverted(oldEmail));
  return {
    message: `Your sign-in address is ${oldEmail} and every device was signed out. Consider resetting your password.`,
  };
}
