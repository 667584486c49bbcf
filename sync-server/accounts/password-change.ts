// Changing a password (knowing the current one) and resetting it (with an emailed code); either way
// the owner gets a notice, and a reset ends every session.
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../auth/authenticate.ts';
import { audit } from './audit.ts';
import { nowIso, type AccountDeps, type RequestMeta } from './context.ts';
import { confirmIdentity } from './credentials.ts';
import {
  assertAddressNotThrottled,
  clearFailures,
  countMailRequest,
  recordAddressFailure,
} from './lockout.ts';
import { mails, sendMail } from './mail-templates.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { revokeSessions } from './sessions.ts';
import { consumeEmailCode, issueEmailCode } from './verification-codes.ts';

export const RESET_REQUESTED = 'If an account uses this address, a reset code is on its way.';

/** The same answer, at the same speed, for every address: the lookup and the mail happen afterwards. */
export async function requestPasswordReset(
  deps: AccountDeps,
  email: string,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<{ message: string }> {
  await countMailRequest(deps, meta, reply);
  deps.tasks.run('password-reset-request', async () => {
    const user = await deps.store.findUserByEmail(email);
    if (user === undefined || !user.emailVerified) return;
    const code = await issueEmailCode(deps, user.id, 'reset-password', null);
    if (code !== undefined) sendMail(deps, mails.passwordReset(user.email, code, deps.limits.codeTtlMs));
  });
  return { message: RESET_REQUESTED };
}

export async function resetPassword(
  deps: AccountDeps,
  request: { email: string; code: string; newPassword: string },
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<{ message: string }> {
  await assertAddressNotThrottled(deps, meta, reply);
  assertAcceptablePassword(request.newPassword, request.email, 'newPassword');
  const found = await deps.store.findUserByEmail(request.email);
  const user = found?.emailVerified === true ? found : undefined;
  try {
    await consumeEmailCode(deps, user?.id, 'reset-password', request.code);
  } catch (error) {
    await recordAddressFailure(deps, meta);
    throw error;
  }
  if (user === undefined) throw new Error('a reset code was consumed for no account');
  await deps.store.updateUser(user.id, {
    passwordHash: await deps.passwords.hash(request.newPassword),
    passwordChangedAt: nowIso(deps),
  });
  // Whoever knew the old password (or holds a device) is out; the lockout is lifted for the owner.
  const ended = await revokeSessions(deps, { userId: user.id }, 'password-reset');
  await clearFailures(deps, user.email);
  await audit(deps, {
    type: 'password_reset',
    userId: user.id,
    meta,
    detail: `${ended.length} sessions ended`,
  });
  sendMail(deps, mails.passwordChanged(user.email, 'reset'));
  return { message: 'Your password was changed. Sign in with the new one.' };
}

export async function changePassword(
  deps: AccountDeps,
  auth: AuthContext,
  request: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
  meta: RequestMeta,
): Promise<{ message: string }> {
  const user = await confirmIdentity(
    deps,
    auth.userId,
    { password: request.currentPassword, passwordField: 'currentPassword' },
    meta,
  );
  assertAcceptablePassword(request.newPassword, user.email, 'newPassword');
  await deps.store.updateUser(user.id, {
    passwordHash: await deps.passwords.hash(request.newPassword),
    passwordChangedAt: nowIso(deps),
  });
  // Entering the current password is a fresh authentication of this session.
  await deps.store.markSessionAuthenticated(auth.sessionId, nowIso(deps));
  const ended = request.endOtherSessions
    ? await revokeSessions(deps, { userId: user.id, exceptSessionId: auth.sessionId }, 'password-changed')
    : [];
  await audit(deps, {
    type: 'password_changed',
    userId: user.id,
    meta,
    detail: request.endOtherSessions ? `${ended.length} other sessions ended` : 'other sessions kept',
  });
  sendMail(deps, mails.passwordChanged(user.email, 'changed'));
  return {
    message: request.endOtherSessions
      ? `Password changed; ${ended.length} other sessions were signed out.`
      : 'Password changed.',
  };
}
