// Personal information and "about you": plain fields of the profile, validated with the policy's schemas.
import { useMemo } from 'react';
import { z } from 'zod';
import { profileFields } from '#shared/entities/profile';
import type { ProfileDoc } from '#shared/policy/table';
import { Card } from '../../ui/card.tsx';
import { SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import { optionalText, useDocForm } from '../forms/doc-form.ts';
import { SaveBar } from '../forms/save-bar.tsx';
import { useEdit } from '../own-docs.ts';

const PersonalForm = z.object({
  displayName: profileFields.displayName.schema,
  legalName: profileFields.legalName.schema,
  pronouns: profileFields.pronouns.schema,
  birthday: optionalText(profileFields.birthday.schema),
  locale: optionalText(profileFields.locale.schema),
  timeZone: optionalText(profileFields.timeZone.schema),
});
type PersonalInput = z.input<typeof PersonalForm>;

const AboutForm = z.object({ headline: profileFields.headline.schema, bio: profileFields.bio.schema });
type AboutInput = z.input<typeof AboutForm>;

function timeZoneOptions(current: string) {
  const zones = Intl.supportedValuesOf('timeZone');
  const all = current !== '' && !zones.includes(current) ? [current, ...zones] : zones;
  return [
    { value: '', label: 'Not set' },
    ...all.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })),
  ];
}

export function PersonalInfoCard({
  profile,
  focusField,
}: {
  readonly profile: ProfileDoc;
  readonly focusField?: string | undefined;
}) {
  const edit = useEdit('profiles');
  const values = useMemo<PersonalInput>(
    () => ({
      displayName: profile.displayName,
      legalName: profile.legalName,
      pronouns: profile.pronouns,
      birthday: profile.birthday ?? '',
      locale: profile.locale ?? '',
      timeZone: profile.timeZone ?? '',
    }),
    [profile],
  );
  const { form, onSubmit, saveState } = useDocForm({ schema: PersonalForm, values, save: edit, focusField });
  const { errors, isDirty, isSubmitting } = form.formState;
  const zones = useMemo(() => timeZoneOptions(values.timeZone), [values.timeZone]);
  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} aria-label="Personal information">
      <Card
        id="personal"
        title="Personal information"
        description="Who may see each field is set on the Privacy screen."
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
        <div className="grid-2">
          <TextField
            label={profileFields.displayName.label}
            hint={profileFields.displayName.description}
            autoComplete="nickname"
            error={errors.displayName?.message}
            {...form.register('displayName')}
          />
          <TextField
            label={profileFields.legalName.label}
            hint={profileFields.legalName.description}
            autoComplete="name"
            error={errors.legalName?.message}
            {...form.register('legalName')}
          />
          <TextField
            label={profileFields.pronouns.label}
            hint={profileFields.pronouns.description}
            error={errors.pronouns?.message}
            {...form.register('pronouns')}
          />
          <TextField
            label={profileFields.birthday.label}
            type="date"
            hint="Private unless you share it."
            error={errors.birthday?.message}
            {...form.register('birthday')}
          />
          <TextField
            label={profileFields.locale.label}
            hint="A language tag such as en, de or pt-BR."
            error={errors.locale?.message}
            {...form.register('locale')}
          />
          <SelectField
            label={profileFields.timeZone.label}
            options={zones}
            error={errors.timeZone?.message}
            {...form.register('timeZone')}
          />
        </div>
      </Card>
    </form>
  );
}

export function AboutCard({
  profile,
  focusField,
}: {
  readonly profile: ProfileDoc;
  readonly focusField?: string | undefined;
}) {
  const edit = useEdit('profiles');
  const values = useMemo<AboutInput>(() => ({ headline: profile.headline, bio: profile.bio }), [profile]);
  const { form, onSubmit, saveState } = useDocForm({ schema: AboutForm, values, save: edit, focusField });
  const { errors, isDirty, isSubmitting } = form.formState;
  const bio = form.watch('bio');
  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} aria-label="About you">
      <Card
        id="about"
        title="About you"
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
          <TextField
            label={profileFields.headline.label}
            hint={profileFields.headline.description}
            error={errors.headline?.message}
            {...form.register('headline')}
          />
          <TextAreaField
            label={profileFields.bio.label}
            hint={`${bio.length} / 2000 characters`}
            rows={5}
            error={errors.bio?.message}
            {...form.register('bio')}
          />
        </div>
      </Card>
    </form>
  );
}
