// Data hooks for privacy choices: per-field visibility (limited to the levels the policy allows)
// and directory discoverability, both in the settings document.
import { useCallback } from 'react';
import { profileFields } from '#shared/entities/profile';
import { choosableProfileFields } from '#shared/entities/settings';
import { effectiveVisibility } from '#shared/policy/project';
import type { SettingsDoc } from '#shared/policy/table';
import type { VisibilityLevel } from '#shared/visibility';
import { useEdit } from '../own-docs.ts';

export interface VisibilityRow {
  readonly field: keyof typeof profileFields;
  readonly label: string;
  readonly description: string;
  readonly level: VisibilityLevel;
  readonly choices: readonly VisibilityLevel[];
}

export function visibilityRows(settings: SettingsDoc): VisibilityRow[] {
  return (Object.keys(profileFields) as (keyof typeof profileFields)[]).map((field) => {
    const policy = profileFields[field];
    return {
      field,
      label: policy.label,
      description: policy.description,
      level: effectiveVisibility(policy, field, settings.visibility),
      choices: policy.visibility.choices,
    };
  });
}

export function isChoosable(field: string): boolean {
  return choosableProfileFields.includes(field);
}

export function usePrivacyEdits() {
  const edit = useEdit('settings');
  const setVisibility = useCallback(
    (field: string, level: VisibilityLevel) =>
      edit((current) => ({ visibility: { ...current.visibility, [field]: level } })),
    [edit],
  );
  const setDiscoverable = useCallback((discoverable: boolean) => edit({ discoverable }), [edit]);
  return { setVisibility, setDiscoverable };
}
