// Renders a profile as another person receives it (projected by the server, or by the shared
// `project` for "preview as"): only the fields present are shown.
import type { ReactNode } from 'react';
import type { z } from 'zod';
import type { EmailValue, LinkValue, PhoneValue, PostalAddressValue } from '#shared/entities/profile';
import { profileFields } from '#shared/entities/profile';
import type { AvatarRef } from '#shared/entities/values';
import { liveEntries, type AnySetEntry } from '#shared/policy/set-entry';
import { invoke } from '../../platform/bridge.ts';
import { Avatar } from '../../ui/avatar.tsx';
import { Button } from '../../ui/button.tsx';
import { Badge } from '../../ui/feedback.tsx';
import { useAvatarUrl } from '../avatar/queries.ts';

type Values<V extends z.ZodType> = readonly (AnySetEntry & { value?: z.infer<V> })[];

function values<V extends z.ZodType>(entries: unknown): z.infer<V>[] {
  if (!Array.isArray(entries)) return [];
  return liveEntries(entries as Values<V>)
    .map((entry) => entry.value)
    .filter((value): value is z.infer<V> => value !== undefined);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function Detail({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function ProfileView({
  doc,
  testId,
}: {
  readonly doc: Readonly<Record<string, unknown>>;
  readonly testId?: string;
}) {
  const avatar = (doc.avatar ?? null) as AvatarRef | null;
  const url = useAvatarUrl(avatar);
  const name = text(doc.displayName) ?? 'Unnamed';
  const emails = values<typeof EmailValue>(doc.emails);
  const phones = values<typeof PhoneValue>(doc.phones);
  const addresses = values<typeof PostalAddressValue>(doc.addresses);
  const links = values<typeof LinkValue>(doc.links);
  return (
    <article className="profile-view" data-testid={testId}>
      <header className="profile-view__header">
        <Avatar name={name} url={url} size="lg" />
        <div className="stack-sm">
          <div className="row">
            <h2 className="profile-view__name" data-field="displayName">
              {name}
            </h2>
            {text(doc.pronouns) !== undefined ? (
              <span className="muted" data-field="pronouns">
                ({text(doc.pronouns)})
              </span>
            ) : null}
            {doc.badge === 'verified' ? <Badge tone="success">Verified</Badge> : null}
            {doc.badge === 'staff' ? <Badge tone="accent">Staff</Badge> : null}
          </div>
          {text(doc.headline) !== undefined ? <p data-field="headline">{text(doc.headline)}</p> : null}
        </div>
      </header>
      {text(doc.bio) !== undefined ? (
        <p className="profile-view__bio" data-field="bio">
          {text(doc.bio)}
        </p>
      ) : null}
      <dl className="details">
        {text(doc.legalName) !== undefined ? (
          <Detail label={profileFields.legalName.label}>{text(doc.legalName)}</Detail>
        ) : null}
        {text(doc.birthday) !== undefined ? (
          <Detail label={profileFields.birthday.label}>{text(doc.birthday)}</Detail>
        ) : null}
        {text(doc.locale) !== undefined ? (
          <Detail label={profileFields.locale.label}>{text(doc.locale)}</Detail>
        ) : null}
        {text(doc.timeZone) !== undefined ? (
          <Detail label={profileFields.timeZone.label}>{text(doc.timeZone)}</Detail>
        ) : null}
        {emails.length > 0 ? (
          <Detail label={profileFields.emails.label}>
            {emails.map((email) => (
              <div key={email.address}>{email.address}</div>
            ))}
          </Detail>
        ) : null}
        {phones.length > 0 ? (
          <Detail label={profileFields.phones.label}>
            {phones.map((phone) => (
              <div key={phone.number} className="mono">
                {phone.number}
              </div>
            ))}
          </Detail>
        ) : null}
        {addresses.length > 0 ? (
          <Detail label={profileFields.addresses.label}>
            {addresses.map((address) => (
              <div key={`${address.street}${address.postalCode}`}>
                {address.street}, {address.postalCode} {address.locality} · {address.country}
              </div>
            ))}
          </Detail>
        ) : null}
        {links.length > 0 ? (
          <Detail label={profileFields.links.label}>
            {links.map((link) => (
              <div key={link.url}>
                <Button
                  size="small"
                  variant="ghost"
                  icon="link"
                  onClick={() => void invoke('shell:open-external', { url: link.url })}
                >
                  {link.label || link.url}
                </Button>
              </div>
            ))}
          </Detail>
        ) : null}
      </dl>
    </article>
  );
}
