// Checking what a signed-in person knows (password, authenticator code) before sensitive actions,
// with the same lockout and audit as signing in.
import { AccordError } from '#shared/errors';
import type { UserRecord } from '../storage/store.ts';
import { audit } from './audit.ts';
import type { AccountDeps, RequestMeta } from './context.ts';
import { assertNotLocked, clearFailures, recordFailure } from './lockout.ts';
import { checkAccountTotp } from './totp.ts';

export function wrongCredentials(field?: string): AccordError {
  return new AccordError('invalid_credentials', 'Email or password is wrong.', field);
}

async function failed(
  deps: AccountDeps,
  user: UserRecord,
  meta: RequestMeta,
  error: AccordError,
): Promise<never> {
  const locked = await recordFailure(deps, { email: user.email, user, meta });
  await audit(deps, { type: 'sign_in_failed', userId: user.id, meta, detail: 're-authentication' });
  if (locked) await assertNotLocked(deps, user.email);
  throw error;
}

/**
 * Verifies the account's password and, with `requireSecondFactor` on an account using two-factor
 * authentication, its authenticator code. Wrong answers count towards the lockout and are audited.
 */
export async function confirmIdentity(
  deps: AccountDeps,
  userId: string,
  answer: {
    readonly password: string;
    readonly passwordField: string;
    readonly totpCode?: string | undefined;
    readonly requireSecondFactor?: boolean;
  },
  meta: RequestMeta,
): Promise<UserRecord> {
  const [user, secrets] = await Promise.all([
    deps.store.findUser(userId),
    deps.store.findUserSecrets(userId),
  ]);
  if (user === undefined || secrets === undefined) {
    throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  }
  await assertNotLocked(deps, user.email);
  if (!(await deps.passwords.verify(secrets.passwordHash, answer.password))) {
    await failed(
      deps,
      user,
      meta,
      new AccordError('invalid_credentials', 'That password is not right.', answer.passwordField),
    );
  }
  if (answer.requireSecondFactor === true && user.twoFactorEnabled) {
    if (answer.totpCode === undefined) {
      throw new AccordError(
        'second_factor_required',
        'Enter the current code from your authenticator app as well.',
        'totpCode',
      );
    }
    if (!(await checkAccountTotp(deps, userId, answer.totpCode))) {
      await failed(
        deps,
        user,
        meta,
        new AccordError('invalid_credentials', 'That code is not right.', 'totpCode'),
      );
    }
  }
  await clearFailures(deps, user.email);
  return user;
}
