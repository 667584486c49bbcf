// Settings › Preferences: theme (applied live), language, date format, time zone and start page.
// Each choice saves at once; it is a setting, not a document to draft.
import { useState } from 'react';
import { dateFormats, settingsFields, startPages, themes } from '#shared/entities/settings';
import { profileFields } from '#shared/entities/profile';
import { messageOf } from '../../api/call-route.ts';
import { createFormatter } from '../../app/format.ts';
import { Card } from '../../ui/card.tsx';
import { Banner, Loading } from '../../ui/feedback.tsx';
import { SelectField } from '../../ui/field.tsx';
import { Segmented } from '../../ui/segmented.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useEdit, useProfile, useSettings } from '../own-docs.ts';

const themeLabels: Record<(typeof themes)[number], string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};
const dateFormatLabels: Record<(typeof dateFormats)[number], string> = {
  locale: 'As usual for my language',
  iso: 'Year-month-day (2025-03-31)',
  'day-month-year': 'Day/month/year (31/03/2025)',
  'month-day-year': 'Month/day/year (03/31/2025)',
};
const startPageLabels: Record<(typeof startPages)[number], string> = {
  profile: 'Profile',
  directory: 'Directory',
  settings: 'Settings',
};
const languages = [
  ['en', 'English'],
  ['en-GB', 'English (United Kingdom)'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['es', 'Español'],
  ['it', 'Italiano'],
  ['nl', 'Nederlands'],
  ['pt-BR', 'Português (Brasil)'],
  ['pl', 'Polski'],
  ['sv', 'Svenska'],
  ['ja', '日本語'],
] as const;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

export function PreferencesScreen() {
  const settings = useSettings();
  const profile = useProfile();
  const editSettings = useEdit('settings');
  const editProfile = useEdit('profiles');
  const [error, setError] = useState<string | undefined>(undefined);
  if (settings === undefined || profile === undefined) return <Loading />;
  if (settings === null || profile === null) return <NotSyncedYet what="settings" />;
  const run = (work: Promise<void>) => {
    setError(undefined);
    work.catch((failure: unknown) => {
      setError(messageOf(failure));
    });
  };
  const sample = createFormatter({
    language: settings.language,
    dateFormat: settings.dateFormat,
    timeZone: profile.timeZone,
  });
  const languageOptions = languages.some(([tag]) => tag === settings.language)
    ? languages
    : ([[settings.language, settings.language], ...languages] as const);
  const zones = Intl.supportedValuesOf('timeZone');
  return (
    <div className="stack-lg">
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      <Card title={settingsFields.theme.label} description="Applies at once, on every device you use.">
        <Segmented
          legend={settingsFields.theme.label}
          name="theme"
          value={settings.theme}
          options={themes.map((theme) => ({ value: theme, label: themeLabels[theme] }))}
          onChange={(value) => {
            if (isOneOf(themes, value)) run(editSettings({ theme: value }));
          }}
        />
      </Card>
      <Card title="Language and region" description={`Dates look like this: ${sample.dateTime(Date.now())}`}>
        <div className="grid-2">
          <SelectField
            label={settingsFields.language.label}
            value={settings.language}
            options={languageOptions.map(([value, label]) => ({ value, label }))}
            onChange={(event) => {
              run(editSettings({ language: event.currentTarget.value }));
            }}
          />
          <SelectField
            label={settingsFields.dateFormat.label}
            value={settings.dateFormat}
            options={dateFormats.map((format) => ({ value: format, label: dateFormatLabels[format] }))}
            onChange={(event) => {
              const value = event.currentTarget.value;
              if (isOneOf(dateFormats, value)) run(editSettings({ dateFormat: value }));
            }}
          />
          <SelectField
            label={profileFields.timeZone.label}
            hint="Part of your profile; who sees it is set on the Privacy screen."
            value={profile.timeZone ?? ''}
            options={[
              { value: '', label: 'Not set (this device’s zone)' },
              ...zones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })),
            ]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              run(editProfile({ timeZone: value === '' ? null : value }));
            }}
          />
          <SelectField
            label={settingsFields.startPage.label}
            hint={settingsFields.startPage.description}
            value={settings.startPage}
            options={startPages.map((page) => ({ value: page, label: startPageLabels[page] }))}
            onChange={(event) => {
              const value = event.currentTarget.value;
              if (isOneOf(startPages, value)) run(editSettings({ startPage: value }));
            }}
          />
        </div>
      </Card>
    </div>
  );
}
