// The settings entity: notifications, privacy choices, preferences and integration metadata.
import { z } from 'zod';
import { field } from '../policy/field.ts';
import { VisibilityLevel } from '../visibility.ts';
import { profileFields } from './profile.ts';
import { LanguageTag, TimeOfDay, Timestamp } from './values.ts';

export const notificationCategories = ['security', 'account', 'contacts', 'directory', 'product'] as const;
export const notificationChannels = ['email', 'desktop', 'inApp'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];
export type NotificationChannel = (typeof notificationChannels)[number];

const channelSwitches = z.strictObject({ email: z.boolean(), desktop: z.boolean(), inApp: z.boolean() });

/** Security alerts cannot be switched off by email or in the app: the schema itself says so. */
export const SECURITY_ALERTS_REASON =
  'Security alerts (new sign-ins, password and email changes) always reach you by email and in the app.';
export const NotificationMatrix = z.strictObject({
  security: z.strictObject({
    email: z.literal(true, { error: SECURITY_ALERTS_REASON }),
    desktop: z.boolean(),
    inApp: z.literal(true, { error: SECURITY_ALERTS_REASON }),
  }),
  account: channelSwitches,
  contacts: channelSwitches,
  directory: channelSwitches,
  product: channelSwitches,
});
export type NotificationMatrix = z.infer<typeof NotificationMatrix>;

export const QuietHours = z.strictObject({ enabled: z.boolean(), start: TimeOfDay, end: TimeOfDay });

/** Profile fields whose visibility the owner may choose: derived from the profile policy. */
export const choosableProfileFields = Object.entries(profileFields)
  .filter(([, policy]) => policy.visibility.choices.length > 1)
  .map(([name]) => name);

/** One optional key per choosable profile field, each limited to that field's allowed levels. */
export const VisibilityChoices = z.strictObject(
  Object.fromEntries(
    Object.entries(profileFields)
      .filter(([, policy]) => policy.visibility.choices.length > 1)
      .map(([name, policy]) => [
        name,
        VisibilityLevel.refine((level) => policy.visibility.choices.includes(level), {
          error: `allowed levels: ${policy.visibility.choices.join(', ')}`,
        }).optional(),
      ]),
  ),
);
export type VisibilityChoices = Partial<Record<string, VisibilityLevel>>;

export const themes = ['system', 'light', 'dark'] as const;
export const dateFormats = ['locale', 'iso', 'day-month-year', 'month-day-year'] as const;
export const startPages = ['profile', 'directory', 'settings'] as const;
export const tokenScopes = ['profile:read', 'settings:read', 'directory:read'] as const;
export const webhookEvents = [
  'profile.updated',
  'settings.updated',
  'account.email_changed',
  'account.deleted',
] as const;

export const AccessTokenMeta = z.strictObject({
  id: z.string().max(64),
  name: z.string().max(80),
  scopes: z.array(z.enum(tokenScopes)).max(tokenScopes.length),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export const WebhookMeta = z.strictObject({
  id: z.string().max(64),
  url: z.url().max(2048),
  events: z.array(z.enum(webhookEvents)).max(webhookEvents.length),
  createdAt: Timestamp,
  status: z.enum(['active', 'disabled']),
});

const allOn = { email: true, desktop: true, inApp: true } as const;

export const settingsFields = {
  notifications: field({
    label: 'Notifications',
    description: 'Which categories of notice reach you on which channel.',
    schema: NotificationMatrix,
    initial: {
      security: allOn,
      account: allOn,
      contacts: { email: false, desktop: true, inApp: true },
      directory: { email: false, desktop: false, inApp: true },
      product: { email: false, desktop: false, inApp: false },
    },
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  quietHours: field({
    label: 'Quiet hours',
    description: 'A daily window without desktop notices (security alerts still arrive).',
    schema: QuietHours,
    initial: { enabled: false, start: '22:00', end: '07:00' },
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  visibility: field({
    label: 'Field visibility',
    description: 'Who may see each profile field; on a conflict the more restrictive choice wins.',
    schema: VisibilityChoices,
    initial: {},
    visibility: 'private',
    writer: 'owner',
    merge: 'restrictive',
    export: 'include',
  }),
  discoverable: field({
    label: 'Discoverable',
    description: 'Whether people who are not your contacts find you in the directory.',
    schema: z.boolean(),
    initial: true,
    visibility: 'private',
    writer: 'owner',
    merge: 'restrictive',
    export: 'include',
  }),
  theme: field({
    label: 'Theme',
    description: 'Light, dark, or follow the system.',
    schema: z.enum(themes),
    initial: 'system',
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  language: field({
    label: 'Language',
    description: 'Language of the app, as a BCP 47 tag.',
    schema: LanguageTag,
    initial: 'en',
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  dateFormat: field({
    label: 'Date format',
    description: 'How dates are shown.',
    schema: z.enum(dateFormats),
    initial: 'locale',
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  startPage: field({
    label: 'Start page',
    description: 'The screen the app opens on.',
    schema: z.enum(startPages),
    initial: 'profile',
    visibility: 'private',
    writer: 'owner',
    merge: 'lww',
    export: 'include',
  }),
  accessTokens: field({
    label: 'Personal access tokens',
    description: 'Metadata of tokens for integrations (the secrets are never stored in clear).',
    schema: z.array(AccessTokenMeta).max(50),
    initial: [],
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
  webhooks: field({
    label: 'Webhooks',
    description: 'Endpoints that receive signed event notices.',
    schema: z.array(WebhookMeta).max(20),
    initial: [],
    visibility: 'private',
    writer: 'server',
    merge: 'server',
    export: 'include',
  }),
};
