// One user as an administrator may see them: the account facts, the profile and settings fields
// up to `private` (the server never sends `owner` fields), signed-in devices, access tokens, and
// the actions that fit the account's state.
import { adminRoutes, type AdminUserDetail } from '#shared/contract/admin';
import { useFormatter, type Formatter } from '../../app/format.ts';
import { formatRoute } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner, Loading } from '../../ui/feedback.tsx';
import { useSettings } from '../own-docs.ts';
import { FieldTable, roleLabels, StatusBadge } from './present.tsx';
import { useAdminQuery } from './use-admin-query.ts';
import { UserActions } from './user-actions.tsx';

function Summary({ detail, format }: { readonly detail: AdminUserDetail; readonly format: Formatter }) {
  const { user } = detail;
  return (
    <dl className="facts facts--wide">
      <div>
        <dt>Email</dt>
        <dd className="row">
          <span data-testid="admin-user-email">{user.email}</span>
          {user.emailVerified ? (
            <Badge tone="success">Verified</Badge>
          ) : (
            <Badge tone="warning">Not verified</Badge>
          )}
        </dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>{user.displayName || '—'}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={user.status} />
          {user.deletionDueAt !== null ? ` until ${format.dateTime(user.deletionDueAt)}` : null}
        </dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>{roleLabels[user.role]}</dd>
      </div>
      <div>
        <dt>Two-step sign-in</dt>
        <dd>{user.twoFactorEnabled ? 'On' : 'Off'}</dd>
      </div>
      <div>
        <dt>Joined</dt>
        <dd>{format.dateTime(user.createdAt)}</dd>
      </div>
    </dl>
  );
}

function Sessions({ detail, format }: { readonly detail: AdminUserDetail; readonly format: Formatter }) {
  if (detail.sessions.length === 0) return <p className="admin-muted">No signed-in devices.</p>;
  return (
    <div className="admin-table-wrap">
      <table className="admin-table" aria-label="Signed-in devices">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last seen</th>
            <th scope="col">Address</th>
          </tr>
        </thead>
        <tbody>
          {detail.sessions.map((session) => (
            <tr key={session.id}>
              <td>
                {session.deviceName}
                {session.userAgent !== null ? <div className="admin-muted">{session.userAgent}</div> : null}
              </td>
              <td>{format.dateTime(session.createdAt)}</td>
              <td>{format.dateTime(session.lastSeenAt)}</td>
              <td>{session.ip ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Tokens({ detail, format }: { readonly detail: AdminUserDetail; readonly format: Formatter }) {
  if (detail.accessTokens.length === 0) return <p className="admin-muted">No personal access tokens.</p>;
  return (
    <ul className="admin-list">
      {detail.accessTokens.map((token) => (
        <li key={token.id}>
          <strong>{token.name}</strong> · {token.scopes.join(', ')} · created {format.date(token.createdAt)}
          {token.lastUsedAt !== null ? `, last used ${format.date(token.lastUsedAt)}` : ', never used'}
        </li>
      ))}
    </ul>
  );
}

export function UserDetail({ userId }: { readonly userId: string }) {
  const { state, reload } = useAdminQuery(adminRoutes.getUser, { query: { userId } });
  const format = useFormatter(useSettings() ?? undefined);
  const back = (
    <a className="admin-back" href={formatRoute({ name: 'admin', section: 'users' })}>
      ← All users
    </a>
  );
  if (state.kind === 'loading') return <Loading label="Loading the user…" />;
  if (state.kind === 'failed') {
    return (
      <div className="stack">
        {back}
        <Banner tone="danger" live actions={<Button onClick={reload}>Try again</Button>}>
          {state.message}
        </Banner>
      </div>
    );
  }
  const detail = state.data;
  return (
    <div className="stack-lg">
      {back}
      <Card
        title={detail.user.displayName || detail.user.email}
        actions={
          <a href={formatRoute({ name: 'admin', section: 'audit', userId })} className="admin-link">
            Audit log for this user
          </a>
        }
      >
        <Summary detail={detail} format={format} />
      </Card>
      <Card title="Actions" description="Every action needs a reason and is recorded in the audit log.">
        <UserActions user={detail.user} onChanged={reload} />
      </Card>
      <Card title="Signed-in devices">
        <Sessions detail={detail} format={format} />
      </Card>
      <Card
        title="Profile"
        description="Fields up to “private”; what the person keeps to themselves is not shown."
      >
        {detail.profile === null ? (
          <p className="admin-muted">No profile.</p>
        ) : (
          <FieldTable entity="profile" view={detail.profile} />
        )}
      </Card>
      <Card title="Settings">
        {detail.settings === null ? (
          <p className="admin-muted">No settings.</p>
        ) : (
          <FieldTable entity="settings" view={detail.settings} />
        )}
      </Card>
      <Card title="Account fields">
        <FieldTable entity="account" view={detail.account} />
      </Card>
      <Card title="Personal access tokens">
        <Tokens detail={detail} format={format} />
      </Card>
    </div>
  );
}
