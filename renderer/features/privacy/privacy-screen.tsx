// The Privacy screen: who may see each profile field (only the levels the policy allows), whether
// strangers find you in the directory, and a preview of what a contact or any signed-in user sees.
import { useEffect, useMemo, useState } from 'react';
import { project } from '#shared/policy/project';
import { VisibilityLevel, visibilityLabels, type ViewerRelation } from '#shared/visibility';
import { messageOf } from '../../api/call-route.ts';
import { Card } from '../../ui/card.tsx';
import { Banner, Badge, Loading } from '../../ui/feedback.tsx';
import { Switch } from '../../ui/field.tsx';
import { Segmented } from '../../ui/segmented.tsx';
import { ProfileView } from '../directory/profile-view.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useProfile, useSettings } from '../own-docs.ts';
import { usePrivacyEdits, visibilityRows } from './queries.ts';

const previewRelations: readonly { value: ViewerRelation; label: string }[] = [
  { value: 'contact', label: 'A contact' },
  { value: 'signed-in', label: 'Any signed-in user' },
];

export function PrivacyScreen({ focusField }: { readonly focusField?: string | undefined }) {
  const profile = useProfile();
  const settings = useSettings();
  const { setVisibility, setDiscoverable } = usePrivacyEdits();
  const [relation, setRelation] = useState<ViewerRelation>('signed-in');
  const [error, setError] = useState<string | undefined>(undefined);
  const preview = useMemo(
    () => (profile && settings ? project('profile', profile, relation, settings.visibility) : null),
    [profile, settings, relation],
  );
  useEffect(() => {
    if (focusField !== undefined && settings) document.getElementById(`visibility-${focusField}`)?.focus();
  }, [focusField, settings]);

  if (profile === undefined || settings === undefined) return <Loading />;
  if (profile === null || settings === null) return <NotSyncedYet what="privacy settings" />;
  const rows = visibilityRows(settings);
  const hidden = rows.filter((row) => preview !== null && !Object.hasOwn(preview, row.field));

  const run = (work: Promise<void>) => {
    setError(undefined);
    work.catch((failure: unknown) => {
      setError(messageOf(failure));
    });
  };

  return (
    <div className="stack-lg">
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      <Card
        title="Directory"
        description="Contacts always find you; this decides whether everyone else does."
      >
        <Switch
          id="visibility-discoverable"
          label="Let people who are not my contacts find me in the directory"
          checked={settings.discoverable}
          onChange={(event) => {
            run(setDiscoverable(event.currentTarget.checked));
          }}
        />
      </Card>
      <Card
        title="Who can see each field"
        description="Administrators can see fields that are not “Only me”. When two devices choose differently, the more private choice wins."
      >
        <table className="ui-table visibility-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Who can see it</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.field}>
                <th scope="row">
                  {row.choices.length > 1 ? (
                    <label htmlFor={`visibility-${row.field}`} className="visibility-table__label">
                      {row.label}
                    </label>
                  ) : (
                    <span className="visibility-table__label">{row.label}</span>
                  )}
                  <span className="muted visibility-table__hint">{row.description}</span>
                </th>
                <td>
                  {row.choices.length > 1 ? (
                    <select
                      id={`visibility-${row.field}`}
                      className="ui-select"
                      value={row.level}
                      onChange={(event) => {
                        const level = VisibilityLevel.safeParse(event.currentTarget.value);
                        if (level.success) run(setVisibility(row.field, level.data));
                      }}
                    >
                      {row.choices.map((level) => (
                        <option key={level} value={level}>
                          {visibilityLabels[level]}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span className="row" id={`visibility-${row.field}`}>
                      {visibilityLabels[row.level]} <Badge>Fixed</Badge>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card
        title="Preview"
        description="Exactly what the server sends to someone else, worked out from the same rules."
        actions={
          <Segmented
            legend="Preview as"
            value={relation}
            options={previewRelations}
            onChange={(value) => {
              setRelation(value === 'contact' ? 'contact' : 'signed-in');
            }}
          />
        }
      >
        {preview === null ? null : (
          <div className="stack">
            <ProfileView doc={preview} testId="privacy-preview" />
            {hidden.length > 0 ? (
              <p className="muted">Hidden from them: {hidden.map((row) => row.label).join(', ')}.</p>
            ) : null}
          </div>
        )}
      </Card>
    </div>
  );
}
