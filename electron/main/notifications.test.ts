// Security alerts as OS notifications.
import { describe, expect, it } from 'vitest';
import { FakeNotification } from '../testing/fake-electron.ts';
import { createSecurityAlerts } from './notifications.ts';

function alerts(supported: boolean) {
  const created: FakeNotification[] = [];
  let clicks = 0;
  const security = createSecurityAlerts(
    {
      isSupported: () => supported,
      create: (options) => {
        const notification = new FakeNotification(options);
        created.push(notification);
        return notification;
      },
    },
    () => clicks++,
  );
  return { security, created, clicks: () => clicks };
}

describe('security alerts', () => {
  it('shows an OS notification and focuses the app when it is clicked', () => {
    const { security, created, clicks } = alerts(true);
    expect(security.show({ title: 'New sign-in', body: 'Firefox on Linux signed in to your account.' })).toBe(
      true,
    );
    expect(created[0]?.options).toEqual({
      title: 'New sign-in',
      body: 'Firefox on Linux signed in to your account.',
    });
    expect(created[0]?.shown).toBe(true);
    expect(security.visibleCount()).toBe(1);
    created[0]?.emit('click');
    expect(clicks()).toBe(1);
    created[0]?.emit('close');
    expect(security.visibleCount()).toBe(0);
  });

  it('reports false where the system has no notifications', () => {
    const { security, created } = alerts(false);
    expect(security.show({ title: 'Password changed', body: '' })).toBe(false);
    expect(created).toEqual([]);
  });
});
