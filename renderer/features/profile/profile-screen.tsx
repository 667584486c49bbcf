// The Profile screen: personal information, about, contact information, addresses and links.
import { Loading } from '../../ui/feedback.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useProfile } from '../own-docs.ts';
import { AddressesCard, ContactInfoCard, LinksCard } from './contact-cards.tsx';
import { AboutCard, PersonalInfoCard } from './personal-form.tsx';

export function ProfileScreen({ focusField }: { readonly focusField?: string | undefined }) {
  const profile = useProfile();
  if (profile === undefined) return <Loading label="Opening your profile…" />;
  if (profile === null) return <NotSyncedYet what="profile" />;
  return (
    <div className="stack-lg">
      <PersonalInfoCard profile={profile} focusField={focusField} />
      <AboutCard profile={profile} focusField={focusField} />
      <ContactInfoCard profile={profile} />
      <AddressesCard profile={profile} />
      <LinksCard profile={profile} />
    </div>
  );
}
