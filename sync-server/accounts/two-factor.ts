// Turning TOTP two-factor authentication on (confirmed by a first code) and off, and replacing the
// recovery codes; each needs a recent authentication, and the owner gets a notice.
import { AccordError } from '#shared/errors';
import type { AuthContext } from '../auth/authenticate.ts';
import { changeAccount } from './account-doc.ts';
import { audit } from './audit.ts';
import type { AccountDeps, RequestMeta } from './context.ts';
import { confirmIdentity } from './credentials.ts';
import { mails, sendMail } from './mail-templates.ts';
import { issueRecoveryCodes } from './recovery-codes.ts';
import { requireRecentAuth } from './sessions.ts';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.ts';

async function ownAccount(deps: AccountDeps, auth: AuthContext) {
  const user = await deps.store.findUser(auth.userId);
  if (user === undefined) throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  return user;
}

/** Creates a secret that is not used until a code from it is confirmed. */
export async function setupTwoFactor(
  deps: AccountDeps,
  auth: AuthContext,
): Promise<{ secret: string; otpauthUri: string }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await ownAccount(deps, auth);
  if (user.twoFactorEnabled) {
    throw new AccordError(
      'conflict',
      'Two-factor authentication is already on; turn it off first to use another app.',
    );
  }
  const secret = newTotpSecret();
  await deps.store.updateUser(user.id, { totpPendingSecret: secret });
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

export async function confirmTwoFactor(
  deps: AccountDeps,
  auth: AuthContext,
  totpCode: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await ownAccount(deps, auth);
  const secrets = await deps.store.findUserSecrets(user.id);
  const pending = secrets?.totpPendingSecret ?? null;
  if (user.twoFactorEnabled || pending === null) {
    throw new AccordError(
      'bad_request',
      'Start the setup first: there is no authenticator waiting for confirmation.',
    );
  }
  const step = await matchTotp(pending, totpCode, deps.now(), null);
  if (step === undefined) {
    throw new AccordError(
      'code_invalid',
      'That code is not right; check the time on your phone and try the current code.',
      'totpCode',
    );
  }
  await changeAccount(deps, user.id, { totpSecret: pending, totpPendingSecret: null, totpLastStep: step });
  const recoveryCodes = await issueRecoveryCodes(deps, user.id);
  await audit(deps, { type: 'two_factor_enabled', userId: user.id, meta });
  sendMail(deps, mails.twoFactorChanged(user.email, true));
  return { recoveryCodes };
}

export async function disableTwoFactor(
  deps: AccountDeps,
  auth: AuthContext,
  password: string,
  meta: RequestMeta,
): Promise<{ message: string }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await confirmIdentity(deps, auth.userId, { password, passwordField: 'password' }, meta);
  if (!user.twoFactorEnabled) return { message: 'Two-factor authentication was already off.' };
  await changeAccount(deps, user.id, { totpSecret: null, totpPendingSecret: null, totpLastStep: null });
  await deps.store.deleteRecoveryCodes(user.id);
  await audit(deps, { type: 'two_factor_disabled', userId: user.id, meta });
  sendMail(deps, mails.twoFactorChanged(user.email, false));
  return { message: 'Two-factor authentication is off.' };
}

export async function regenerateRecoveryCodes(
  deps: AccountDeps,
  auth: AuthContext,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await ownAccount(deps, auth);
  if (!user.twoFactorEnabled) {
    throw new AccordError(
      'conflict',
      'Recovery codes belong to two-factor authentication; turn it on first.',
    );
  }
  const recoveryCodes = await issueRecoveryCodes(deps, user.id);
  await audit(deps, { type: 'recovery_codes_regenerated', userId: user.id, meta });
  sendMail(deps, mails.recoveryCodesRegenerated(user.email));
  return { recoveryCodes };
}
