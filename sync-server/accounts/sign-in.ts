// Signing in: the password first (enumeration-safe, throttled, locking after repeated failures),
// then the second factor when it is on, or an offer to restore an account pending deletion.
import type { FastifyReply } from 'fastify';
import type { SessionTokens, SignInResult } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import { assertAccountUsable } from '../auth/authenticate.ts';
import { audit } from './audit.ts';
import { challengeValue, consumeChallenge, createChallenge, openChallenge } from './challenges.ts';
import { hasPassed, type AccountDeps, type RequestMeta } from './context.ts';
import { wrongCredentials } from './credentials.ts';
import { assertAddressNotThrottled, assertNotLocked, clearFailures, recordFailure } from './lockout.ts';
import { mails, sendMail } from './mail-templates.ts';
import { useRecoveryCode } from './recovery-codes.ts';
import { startSession } from './sessions.ts';
import { checkAccountTotp } from './totp.ts';

export interface SignInRequest {
  readonly email: string;
  readonly password: string;
  readonly deviceName: string;
}

const challengeEnded = () =>
  new AccordError('unauthenticated', 'This sign-in step has expired or was used; sign in again.');

export async function signIn(
  deps: AccountDeps,
  request: SignInRequest,
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<SignInResult> {
  await assertAddressNotThrottled(deps, meta, reply);
  await assertNotLocked(deps, request.email, reply);
  const user = await deps.store.findUserByEmail(request.email);
  // An unknown address costs one hash check too: it must not answer faster than a wrong password.
  const passwordOk =
    user === undefined
      ? await deps.passwords.verifyDummy(request.password)
      : await deps.passwords.verify(user.passwordHash, request.password);
  if (user === undefined || !passwordOk) {
    const locked = await recordFailure(deps, { email: request.email, user, meta });
    await audit(deps, { type: 'sign_in_failed', userId: user?.id ?? null, meta, detail: 'password' });
    if (locked) await assertNotLocked(deps, request.email, reply);
    throw wrongCredentials();
  }
  await clearFailures(deps, user.email);
  if (deps.passwords.needsRehash(user.passwordHash)) {
    await deps.store.updateUser(user.id, { passwordHash: await deps.passwords.hash(request.password) });
  }
  if (!user.emailVerified) {
    throw new AccordError('email_not_verified', 'Confirm your email address with the code we sent first.');
  }
  if (user.status === 'suspended') {
    throw new AccordError('account_suspended', 'This account is suspended; contact an administrator.');
  }
  if (user.status === 'pending-deletion') {
    if (user.deletionDueAt === null || hasPassed(deps, user.deletionDueAt)) {
      throw new AccordError('account_pending_deletion', 'This account has been deleted.');
    }
    const { token } = await createChallenge(deps, user.id, 'restore', deps.limits.challengeTtlMs, {
      deviceName: request.deviceName,
    });
    return {
      kind: 'restore-offered',
      restoreToken: token,
      deletionDueAt: user.deletionDueAt,
      secondFactorRequired: user.twoFactorEnabled,
    };
  }
  if (user.twoFactorEnabled) {
    const { token, expiresAt } = await createChallenge(
      deps,
      user.id,
      'second-factor',
      deps.limits.challengeTtlMs,
      {
        deviceName: request.deviceName,
      },
    );
    return { kind: 'second-factor', challengeToken: token, expiresAt };
  }
  const tokens = await startSession(deps, user.id, request.deviceName, meta);
  await audit(deps, { type: 'sign_in_succeeded', userId: user.id, meta, detail: 'password' });
  return { kind: 'signed-in', tokens };
}

export interface SecondFactorAnswer {
  readonly totpCode?: string | undefined;
  readonly recoveryCode?: string | undefined;
}

/** Exactly one of the two codes; the contract makes both optional. */
export function assertOneCode(answer: SecondFactorAnswer): void {
  if ((answer.totpCode === undefined) === (answer.recoveryCode === undefined)) {
    throw new AccordError(
      'validation_failed',
      'Enter either the code from your authenticator app or a recovery code.',
      'totpCode',
    );
  }
}

/**
 * Checks an authenticator or recovery code for the account; wrong answers count towards the
 * account's lockout. Returns how the account was verified, for the audit log.
 */
export async function checkSecondFactor(
  deps: AccountDeps,
  user: { readonly id: string; readonly email: string },
  answer: SecondFactorAnswer,
  meta: RequestMeta,
  onWrong: () => Promise<void>,
): Promise<'authenticator app' | 'recovery code'> {
  assertOneCode(answer);
  await assertNotLocked(deps, user.email);
  if (answer.totpCode !== undefined && (await checkAccountTotp(deps, user.id, answer.totpCode))) {
    return 'authenticator app';
  }
  if (answer.recoveryCode !== undefined) {
    const { used, remaining } = await useRecoveryCode(deps, user.id, answer.recoveryCode);
    if (used) {
      await audit(deps, { type: 'recovery_code_used', userId: user.id, meta, detail: `${remaining} left` });
      sendMail(deps, mails.recoveryCodeUsed(user.email, remaining));
      return 'recovery code';
    }
  }
  await onWrong();
  const locked = await recordFailure(deps, { email: user.email, user, meta });
  await audit(deps, { type: 'sign_in_failed', userId: user.id, meta, detail: 'second factor' });
  if (locked) await assertNotLocked(deps, user.email);
  throw new AccordError(
    'invalid_credentials',
    'That code is not right.',
    answer.totpCode === undefined ? 'recoveryCode' : 'totpCode',
  );
}

export async function signInSecondFactor(
  deps: AccountDeps,
  request: SecondFactorAnswer & { readonly challengeToken: string },
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<SessionTokens> {
  await assertAddressNotThrottled(deps, meta, reply);
  assertOneCode(request);
  const challenge = await openChallenge(deps, request.challengeToken, 'second-factor');
  const user = challenge && (await deps.store.findUser(challenge.userId));
  if (challenge === undefined || user === undefined) throw challengeEnded();
  const method = await checkSecondFactor(deps, user, request, meta, async () => {
    await deps.store.countChallengeFailure(challenge.tokenHash);
  });
  if (!(await consumeChallenge(deps, challenge))) throw challengeEnded();
  assertAccountUsable(user);
  await clearFailures(deps, user.email);
  const deviceName = challengeValue(challenge, 'deviceName') ?? 'Unnamed device';
  const tokens = await startSession(deps, user.id, deviceName, meta);
  await audit(deps, { type: 'sign_in_succeeded', userId: user.id, meta, detail: method });
  return tokens;
}
