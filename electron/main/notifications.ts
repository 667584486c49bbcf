// OS notifications for security alerts (a new sign-in, a changed password): shown by the main
// process so the page itself never needs the notification permission. A click focuses the app.
import type { On } from './events.ts';

/** One notification (Electron's Notification satisfies it). */
export type NotificationLike = On<'click', () => void> & On<'close', () => void> & { show(): void };

export interface NotificationFactory {
  isSupported(): boolean;
  create(options: { title: string; body: string }): NotificationLike;
}

export interface SecurityAlerts {
  /** Shows the alert; returns false where the system has no notifications. */
  show(alert: { title: string; body: string }): boolean;
  visibleCount(): number;
}

export function createSecurityAlerts(factory: NotificationFactory, onClick: () => void): SecurityAlerts {
  // Electron drops notifications that are garbage-collected while shown, so they are held until closed.
  const visible = new Set<NotificationLike>();
  return {
    show(alert) {
      if (!factory.isSupported()) return false;
      const notification = factory.create({ title: alert.title, body: alert.body });
      visible.add(notification);
      notification.on('click', onClick);
      notification.on('close', () => visible.delete(notification));
      notification.show();
      return true;
    },
    visibleCount: () => visible.size,
  };
}
