// The Directory: search people, open a profile as the server projected it for you, add or remove
// a contact, block or unblock.
import { useState } from 'react';
import { messageOf } from '../../api/call-route.ts';
import { navigate, formatRoute } from '../../app/routes.ts';
import { Avatar } from '../../ui/avatar.tsx';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner, EmptyState, Loading } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import type { DirectoryDoc } from '../../db/validation.ts';
import { useAvatarUrl } from '../avatar/queries.ts';
import { useIdSet } from '../profile/set-entries.ts';
import { ProfileView } from './profile-view.tsx';
import { matches, useDirectory, useDirectoryPerson, useRelations, type Relations } from './queries.ts';

export function DirectoryScreen({ personId }: { readonly personId?: string | undefined }) {
  return personId === undefined ? <PeopleList /> : <PersonDetail id={personId} />;
}

function PeopleList() {
  const people = useDirectory();
  const relations = useRelations();
  const [query, setQuery] = useState('');
  if (people === undefined) return <Loading label="Opening the directory…" />;
  const shown = people.filter((person) => matches(person, query));
  return (
    <div className="stack-lg">
      <div className="directory-search">
        <TextField
          label="Search people"
          type="search"
          placeholder="Name or headline"
          value={query}
          onChange={(event) => {
            setQuery(event.currentTarget.value);
          }}
        />
      </div>
      <Card>
        {people.length === 0 ? (
          <EmptyState icon="users" title="Nobody here yet">
            People who let others find them appear here, along with everyone who added you as a contact.
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState icon="search" title="No matches">
            Nobody’s name or headline contains “{query}”.
          </EmptyState>
        ) : (
          <ul className="people" data-testid="people">
            {shown.map((person) => (
              <PersonRow key={person.id} person={person} relations={relations} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function PersonRow({ person, relations }: { readonly person: DirectoryDoc; readonly relations: Relations }) {
  const url = useAvatarUrl(person.avatar ?? null);
  const name = person.displayName || 'Unnamed';
  return (
    <li>
      <a className="person" href={formatRoute({ name: 'directory', personId: person.id })}>
        <Avatar name={name} url={url} />
        <span className="person__text">
          <span className="person__name">{name}</span>
          <span className="muted">{person.headline ?? ''}</span>
        </span>
        {relations.contacts.has(person.id) ? <Badge tone="accent">Contact</Badge> : null}
        {relations.blocked.has(person.id) ? <Badge tone="danger">Blocked</Badge> : null}
      </a>
    </li>
  );
}

function PersonDetail({ id }: { readonly id: string }) {
  const person = useDirectoryPerson(id);
  const relations = useRelations();
  const contacts = useIdSet('contacts');
  const blocked = useIdSet('blocked');
  const [error, setError] = useState<string | undefined>(undefined);
  const run = (work: Promise<void>) => {
    setError(undefined);
    work.catch((failure: unknown) => {
      setError(messageOf(failure));
    });
  };
  const back = (
    <div>
      <Button
        variant="ghost"
        size="small"
        onClick={() => {
          navigate({ name: 'directory' });
        }}
      >
        ← All people
      </Button>
    </div>
  );
  if (person === undefined) return <Loading />;
  if (person === null) {
    return (
      <div className="stack">
        {back}
        <EmptyState icon="users" title="This person is not in your directory">
          They may have hidden their profile from you.
        </EmptyState>
      </div>
    );
  }
  const isContact = relations.contacts.has(id);
  const isBlocked = relations.blocked.has(id);
  return (
    <div className="stack-lg">
      {back}
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      <Card
        actions={undefined}
        footer={
          <>
            {isContact ? (
              <Button
                icon="x"
                onClick={() => {
                  run(contacts.remove(id));
                }}
              >
                Remove contact
              </Button>
            ) : (
              <Button
                variant="primary"
                icon="plus"
                onClick={() => {
                  run(contacts.add(id));
                }}
                disabled={isBlocked}
              >
                Add contact
              </Button>
            )}
            {isBlocked ? (
              <Button
                onClick={() => {
                  run(blocked.remove(id));
                }}
              >
                Unblock
              </Button>
            ) : (
              <Button
                variant="danger"
                icon="ban"
                onClick={() => {
                  run(
                    (async () => {
                      if (isContact) await contacts.remove(id);
                      await blocked.add(id);
                    })(),
                  );
                }}
              >
                Block
              </Button>
            )}
          </>
        }
      >
        <div className="stack">
          <ProfileView doc={person} testId="directory-person" />
          <p className="muted">
            {isBlocked
              ? 'Blocked: they no longer see anything of your profile.'
              : isContact
                ? 'Your contact: they see the fields you share with contacts.'
                : 'Adding them as a contact lets them see the fields you share with contacts.'}
          </p>
        </div>
      </Card>
    </div>
  );
}
