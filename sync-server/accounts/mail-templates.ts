// The text of every account mail; a message never contains a password, and codes only for their owner.
import type { AccountDeps } from './context.ts';
import type { MailMessage } from './mailer.ts';

const SIGNATURE = '\n\n— Accord\n(This message was sent automatically; replies are not read.)';

function message(to: string, kind: string, subject: string, body: string): MailMessage {
  return { to, kind, subject: `Accord: ${subject}`, text: `${body}${SIGNATURE}` };
}

function minutes(ms: number): number {
  return Math.round(ms / 60_000);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** Mail is sent after the answer, so its delay never tells a caller whether an address exists. */
export function sendMail(deps: AccountDeps, mail: MailMessage): void {
  deps.tasks.run(`mail:${mail.kind}`, () => deps.mailer.send(mail));
}

export const mails = {
  verifyEmail: (to: string, code: string, ttlMs: number) =>
    message(
      to,
      'verify-email',
      'confirm your email address',
      `Your confirmation code is ${code}\n\nEnter it in Accord within ${minutes(ttlMs)} minutes. If you did not create an Accord account, ignore this message: nothing happens without the code.`,
    ),
  alreadyRegistered: (to: string) =>
    message(
      to,
      'already-registered',
      'someone tried to register with your address',
      'Someone tried to create an Accord account with this email address, which already has one. If it was you, sign in, or reset your password if you forgot it. If not, you need not do anything.',
    ),
  passwordReset: (to: string, code: string, ttlMs: number) =>
    message(
      to,
      'password-reset',
      'reset your password',
      `Your password reset code is ${code}\n\nEnter it in Accord within ${minutes(ttlMs)} minutes. Resetting the password signs you out everywhere. If you did not ask for this, ignore this message.`,
    ),
  accountLocked: (to: string, lockMs: number) =>
    message(
      to,
      'account-locked',
      'sign-in paused after failed attempts',
      `There were several failed attempts to sign in to your account, so signing in is paused for ${minutes(lockMs)} minutes. If it was not you, someone may be guessing your password: consider changing it and turning on two-factor authentication.`,
    ),
  passwordChanged: (to: string, how: 'changed' | 'reset') =>
    message(
      to,
      'password-changed',
      'your password was changed',
      `The password of your Accord account was ${how}. If you did not do this, reset your password now and review your sessions.`,
    ),
  emailChangeCode: (to: string, code: string, ttlMs: number) =>
    message(
      to,
      'email-change-code',
      'confirm your new email address',
      `Your confirmation code is ${code}\n\nEnter it in Accord within ${minutes(ttlMs)} minutes to make this your sign-in address. If you did not ask for this, ignore this message.`,
    ),
  emailChangeRequested: (to: string, newEmail: string, revertUrl: string, until: string) =>
    message(
      to,
      'email-change-requested',
      'a change of your sign-in email was requested',
      `Someone signed in to your Accord account asked to change its sign-in email to ${newEmail}. Until the new address is confirmed this one stays in use.\n\nIf this was not you, cancel the change and sign out every device with this link (valid until ${day(until)}):\n${revertUrl}`,
    ),
  emailChanged: (to: string, newEmail: string, revertUrl: string, until: string) =>
    message(
      to,
      'email-changed',
      'your sign-in email was changed',
      `The sign-in email of your Accord account is now ${newEmail}.\n\nIf this was not you, restore this address and sign out every device with this link (valid until ${day(until)}):\n${revertUrl}`,
    ),
  emailReverted: (to: string) =>
    message(
      to,
      'email-reverted',
      'your sign-in email was restored',
      'The change of your sign-in email was undone and every device was signed out. We recommend resetting your password now.',
    ),
  twoFactorChanged: (to: string, enabled: boolean) =>
    message(
      to,
      enabled ? 'two-factor-enabled' : 'two-factor-disabled',
      `two-factor authentication turned ${enabled ? 'on' : 'off'}`,
      `Two-factor authentication was turned ${enabled ? 'on' : 'off'} for your Accord account. If you did not do this, reset your password and review your sessions.`,
    ),
  recoveryCodesRegenerated: (to: string) =>
    message(
      to,
      'recovery-codes-regenerated',
      'new recovery codes',
      'New recovery codes were created for your Accord account; the old ones no longer work.',
    ),
  recoveryCodeUsed: (to: string, remaining: number) =>
    message(
      to,
      'recovery-code-used',
      'a recovery code was used',
      `A recovery code was used to sign in to your Accord account. ${remaining} unused codes remain. If this was not you, reset your password and create new recovery codes.`,
    ),
  deletionScheduled: (to: string, dueAt: string) =>
    message(
      to,
      'deletion-scheduled',
      'your account will be deleted',
      `Your Accord account is scheduled for deletion on ${day(dueAt)}. Every device was signed out and your profile left the directory. Until then, signing in offers to restore the account; afterwards your personal data is erased for good.`,
    ),
  accountRestored: (to: string) =>
    message(
      to,
      'account-restored',
      'your account was restored',
      'The deletion of your Accord account was cancelled and the account is active again.',
    ),
};

export function revertUrl(deps: AccountDeps, token: string): string {
  // A fragment never reaches a server log or a Referer header; the app reads it and posts the token.
  return `${deps.config.publicUrl.replace(/\/$/, '')}/#/email-revert?token=${token}`;
}
