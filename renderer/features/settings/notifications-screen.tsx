// Settings › Notifications: which categories reach you on which channel, and quiet hours.
// Security alerts by email and in the app are locked on; the reason comes from the schema itself.
import { useMemo } from 'react';
import { Controller } from 'react-hook-form';
import { z } from 'zod';
import {
  notificationCategories,
  notificationChannels,
  NotificationMatrix,
  QuietHours,
  SECURITY_ALERTS_REASON,
  settingsFields,
  type NotificationCategory,
  type NotificationChannel,
} from '#shared/entities/settings';
import { Card } from '../../ui/card.tsx';
import { Loading } from '../../ui/feedback.tsx';
import { Switch, TextField } from '../../ui/field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useDocForm } from '../forms/doc-form.ts';
import { SaveBar } from '../forms/save-bar.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useEdit, useSettings } from '../own-docs.ts';

const NotificationsForm = z.object({ notifications: NotificationMatrix, quietHours: QuietHours });
type NotificationsInput = z.input<typeof NotificationsForm>;

const categoryLabels: Record<NotificationCategory, { label: string; hint: string }> = {
  security: { label: 'Security alerts', hint: 'New sign-ins, password and email changes.' },
  account: { label: 'Account', hint: 'Changes to your account and its status.' },
  contacts: { label: 'Contacts', hint: 'Someone added you as a contact.' },
  directory: { label: 'Directory', hint: 'Changes to people you follow.' },
  product: { label: 'Product news', hint: 'New features, now and then.' },
};
const channelLabels: Record<NotificationChannel, string> = {
  email: 'Email',
  desktop: 'Desktop',
  inApp: 'In the app',
};

function isLocked(category: NotificationCategory, channel: NotificationChannel): boolean {
  return category === 'security' && channel !== 'desktop';
}

export function NotificationsScreen({ focusField }: { readonly focusField?: string | undefined }) {
  const settings = useSettings();
  const edit = useEdit('settings');
  const values = useMemo<NotificationsInput | undefined>(
    () => (settings ? { notifications: settings.notifications, quietHours: settings.quietHours } : undefined),
    [settings],
  );
  const { form, onSubmit, saveState } = useDocForm({
    schema: NotificationsForm,
    values,
    save: edit,
    focusField,
  });
  const { errors, isDirty, isSubmitting } = form.formState;
  const quietEnabled = form.watch('quietHours.enabled');
  if (settings === undefined) return <Loading />;
  if (settings === null) return <NotSyncedYet what="settings" />;
  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} aria-label="Notification settings">
      <div className="stack-lg">
        <Card
          title={settingsFields.notifications.label}
          description={settingsFields.notifications.description}
        >
          <table className="ui-table matrix">
            <caption className="visually-hidden">Notification channels for each category</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                {notificationChannels.map((channel) => (
                  <th scope="col" key={channel} className="matrix__cell">
                    {channelLabels[channel]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {notificationCategories.map((category) => (
                <tr key={category}>
                  <th scope="row">
                    <span className="matrix__label">{categoryLabels[category].label}</span>
                    <span className="muted matrix__hint">{categoryLabels[category].hint}</span>
                  </th>
                  {notificationChannels.map((channel) => (
                    <td key={channel} className="matrix__cell">
                      <Controller
                        control={form.control}
                        name={`notifications.${category}.${channel}`}
                        render={({ field }) => (
                          <input
                            type="checkbox"
                            className="matrix__check"
                            name={field.name}
                            ref={field.ref}
                            checked={field.value}
                            disabled={isLocked(category, channel)}
                            aria-label={`${categoryLabels[category].label} by ${channelLabels[channel].toLowerCase()}`}
                            aria-describedby={isLocked(category, channel) ? 'security-locked' : undefined}
                            onChange={(event) => {
                              field.onChange(event.currentTarget.checked);
                            }}
                            onBlur={field.onBlur}
                          />
                        )}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="locked-note" id="security-locked">
            <Icon name="lock" size={14} /> {SECURITY_ALERTS_REASON}
          </p>
        </Card>
        <Card
          title={settingsFields.quietHours.label}
          description={settingsFields.quietHours.description}
          footer={
            <SaveBar
              state={saveState}
              dirty={isDirty}
              submitting={isSubmitting}
              onReset={() => {
                form.reset();
              }}
            />
          }
        >
          <div className="stack">
            <Controller
              control={form.control}
              name="quietHours.enabled"
              render={({ field }) => (
                <Switch
                  label="Pause desktop notifications during quiet hours"
                  name={field.name}
                  ref={field.ref}
                  checked={field.value}
                  onChange={(event) => {
                    field.onChange(event.currentTarget.checked);
                  }}
                  onBlur={field.onBlur}
                />
              )}
            />
            <div className="grid-2">
              <TextField
                label="From"
                type="time"
                disabled={!quietEnabled}
                error={errors.quietHours?.start?.message}
                {...form.register('quietHours.start')}
              />
              <TextField
                label="Until"
                type="time"
                disabled={!quietEnabled}
                error={errors.quietHours?.end?.message}
                {...form.register('quietHours.end')}
              />
            </div>
          </div>
        </Card>
      </div>
    </form>
  );
}
