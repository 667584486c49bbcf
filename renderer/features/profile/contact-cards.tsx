// Contact information (emails and phones with their verification state), postal addresses and links.
import { useMemo } from 'react';
import { z } from 'zod';
import { normalisePhone, PHONE_INPUT_MAX } from '#shared/entities/phone';
import {
  EmailValue,
  LinkValue,
  PhoneValue,
  PostalAddressValue,
  profileFields,
} from '#shared/entities/profile';
import type { ProfileDoc } from '#shared/policy/table';
import { invoke } from '../../platform/bridge.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge } from '../../ui/feedback.tsx';
import { useContactVerifications, VerifyAction } from './contact-verification.tsx';
import { EntryList } from './entry-list.tsx';
import { useSetField } from './set-entries.ts';

const NewEmail = EmailValue.omit({ verified: true, primary: true }).transform((value) => ({
  ...value,
  verified: false,
  primary: false,
}));

/** The region of a language tag (en-GB → GB), used to read national phone numbers. */
function regionOf(tag: string | null): string | undefined {
  if (tag === null) return undefined;
  try {
    return new Intl.Locale(tag).region;
  } catch {
    return undefined;
  }
}

/**
 * A phone number as people type it — international or national, with spaces, dashes or brackets —
 * checked with libphonenumber and stored in E.164, the one form the profile holds.
 */
function newPhoneSchema(region: string | undefined) {
  return PhoneValue.pick({ label: true })
    .extend({ number: z.string().max(PHONE_INPUT_MAX) })
    .transform((value, context) => {
      const parsed = normalisePhone(value.number, region);
      if (!parsed.ok) {
        context.addIssue({ code: 'custom', message: parsed.message, path: ['number'] });
        return z.NEVER;
      }
      return { number: parsed.e164, label: value.label, verified: false };
    });
}

function VerificationBadge({ verified }: { readonly verified: boolean }) {
  return verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Not verified</Badge>;
}

export function ContactInfoCard({ profile }: { readonly profile: ProfileDoc }) {
  const emails = useSetField('emails');
  const phones = useSetField('phones');
  const entryKey = [...profile.emails, ...profile.phones].map((entry) => `${entry.id}@${entry.at}`).join(',');
  const verifications = useContactVerifications(entryKey);
  const region = regionOf(profile.locale) ?? regionOf(navigator.language);
  const newPhone = useMemo(() => newPhoneSchema(region), [region]);
  return (
    <Card
      id="contact"
      title="Contact information"
      description="Verification is done by the server; an address or number you add starts as not verified."
    >
      <div className="stack">
        <h3 className="subheading">{profileFields.emails.label}</h3>
        <EntryList
          entries={profile.emails}
          icon="mail"
          noun="email address"
          emptyText="Add addresses people can reach you at."
          onRemove={emails.remove}
          addSchema={NewEmail}
          onAdd={emails.add}
          inputs={[
            { name: 'address', label: 'Email address', type: 'email', autoComplete: 'email' },
            { name: 'label', label: 'Label', placeholder: 'work, home…' },
          ]}
          render={(email) => (
            <div className="entry">
              <span className="entry__main">{email.address}</span>
              <span className="row">
                {email.label !== '' ? <span className="muted">{email.label}</span> : null}
                <VerificationBadge verified={email.verified} />
                {email.primary ? <Badge tone="accent">Primary</Badge> : null}
              </span>
            </div>
          )}
          actions={(email, id) =>
            email.verified ? null : (
              <VerifyAction
                kind="email"
                entryId={id}
                address={email.address}
                verification={verifications.of('email', id)}
                onChanged={verifications.reload}
              />
            )
          }
        />
        <h3 className="subheading">{profileFields.phones.label}</h3>
        <EntryList
          entries={profile.phones}
          icon="phone"
          noun="phone number"
          emptyText="Numbers are stored in international form, e.g. +14155550123."
          onRemove={phones.remove}
          addSchema={newPhone}
          onAdd={phones.add}
          inputs={[
            {
              name: 'number',
              label: 'Phone number',
              type: 'tel',
              placeholder: '+1 415 555 0123',
              autoComplete: 'tel',
              hint:
                region === undefined
                  ? 'Start with + and the country code.'
                  : `With + and the country code, or as a number in ${region}.`,
            },
            { name: 'label', label: 'Label', placeholder: 'mobile, work…' },
          ]}
          render={(phone) => (
            <div className="entry">
              <span className="entry__main mono">{phone.number}</span>
              <span className="row">
                {phone.label !== '' ? <span className="muted">{phone.label}</span> : null}
                <VerificationBadge verified={phone.verified} />
              </span>
            </div>
          )}
          actions={(phone, id) =>
            phone.verified ? null : (
              <VerifyAction
                kind="phone"
                entryId={id}
                address={phone.number}
                verification={verifications.of('phone', id)}
                onChanged={verifications.reload}
              />
            )
          }
        />
      </div>
    </Card>
  );
}

export function AddressesCard({ profile }: { readonly profile: ProfileDoc }) {
  const addresses = useSetField('addresses');
  return (
    <Card
      id="addresses"
      title={profileFields.addresses.label}
      description={profileFields.addresses.description}
    >
      <EntryList
        entries={profile.addresses}
        icon="home"
        noun="address"
        emptyText="Add a postal address, for example for deliveries."
        onRemove={addresses.remove}
        addSchema={PostalAddressValue}
        onAdd={addresses.add}
        inputs={[
          { name: 'label', label: 'Label', placeholder: 'home, office…' },
          { name: 'street', label: 'Street and number', autoComplete: 'street-address' },
          { name: 'postalCode', label: 'Postal code', autoComplete: 'postal-code' },
          { name: 'locality', label: 'City', autoComplete: 'address-level2' },
          { name: 'region', label: 'Region', autoComplete: 'address-level1' },
          {
            name: 'country',
            label: 'Country code',
            placeholder: 'DE',
            hint: 'Two capital letters.',
            autoComplete: 'country',
          },
        ]}
        render={(address) => (
          <div className="entry">
            <span className="entry__main">
              {address.street}, {address.postalCode} {address.locality}
              {address.region !== '' ? `, ${address.region}` : ''} · {address.country}
            </span>
            {address.label !== '' ? <span className="muted">{address.label}</span> : null}
          </div>
        )}
      />
    </Card>
  );
}

export function LinksCard({ profile }: { readonly profile: ProfileDoc }) {
  const links = useSetField('links');
  return (
    <Card id="links" title={profileFields.links.label} description={profileFields.links.description}>
      <EntryList
        entries={profile.links}
        icon="link"
        noun="link"
        emptyText="Add your website or profiles elsewhere."
        onRemove={links.remove}
        addSchema={LinkValue}
        onAdd={links.add}
        inputs={[
          { name: 'label', label: 'Label', placeholder: 'Website' },
          { name: 'url', label: 'Address', type: 'url', placeholder: 'https://example.com' },
        ]}
        render={(link) => (
          <div className="entry">
            <span className="entry__main">{link.label || link.url}</span>
            <span className="muted">{link.url}</span>
          </div>
        )}
        actions={(link) => (
          <Button
            size="small"
            variant="ghost"
            icon="link"
            onClick={() => void invoke('shell:open-external', { url: link.url })}
          >
            Open
          </Button>
        )}
      />
    </Card>
  );
}
