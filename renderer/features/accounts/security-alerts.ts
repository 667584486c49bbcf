// Desktop notices for security-relevant changes made elsewhere (another device, an administrator):
// the account document arrives by sync; a change to these fields raises a notice when the user
// allows desktop security alerts. They ignore quiet hours on purpose.
import { useEffect, useRef } from 'react';
import type { AccountDoc } from '#shared/policy/table';
import { invoke } from '../../platform/bridge.ts';
import { useAccount, useSettings } from '../own-docs.ts';

type Watched = Pick<AccountDoc, 'email' | 'twoFactorEnabled' | 'status' | 'pendingEmail'>;

export function alertFor(before: Watched, after: Watched): { title: string; body: string } | undefined {
  if (before.email !== after.email) {
    return {
      title: 'Your sign-in email changed',
      body: `It is now ${after.email}. If this was not you, reset your password.`,
    };
  }
  if (before.twoFactorEnabled !== after.twoFactorEnabled) {
    return after.twoFactorEnabled
      ? { title: 'Two-step sign-in turned on', body: 'Sign-ins on new devices now need a code.' }
      : { title: 'Two-step sign-in turned off', body: 'If this was not you, change your password now.' };
  }
  if (before.pendingEmail !== after.pendingEmail && after.pendingEmail !== null) {
    return {
      title: 'Email change requested',
      body: `A change to ${after.pendingEmail} is waiting for confirmation.`,
    };
  }
  if (before.status !== after.status && after.status !== 'active') {
    return { title: 'Your account status changed', body: `It is now ${after.status}.` };
  }
  return undefined;
}

export function useSecurityAlerts(): void {
  const account = useAccount();
  const settings = useSettings();
  const previous = useRef<Watched | undefined>(undefined);
  const desktop = settings?.notifications.security.desktop ?? true;
  useEffect(() => {
    if (!account) return;
    const before = previous.current;
    previous.current = account;
    if (before === undefined || !desktop) return;
    const alert = alertFor(before, account);
    if (alert !== undefined) void invoke('notify:security-alert', alert).catch(() => undefined);
  }, [account, desktop]);
}
