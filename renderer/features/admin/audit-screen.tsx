// The admin audit log, newest first: who did what to whom, when and why. Filtered by the acting
// administrator or the account acted on (user ids; a user's page links here with its id).
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { adminRoutes, type AdminAction, type AdminAuditEvent } from '#shared/contract/admin';
import { UserId } from '#shared/entities/values';
import { useFormatter } from '../../app/format.ts';
import { formatRoute } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner, EmptyState, Loading } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import { useSettings } from '../own-docs.ts';
import { PageButtons, useCursorPages } from './cursor-pages.tsx';
import { useAdminQuery } from './use-admin-query.ts';

const PAGE_SIZE = 25;

export const actionLabels: Record<AdminAction, string> = {
  suspend: 'Suspended',
  unsuspend: 'Unsuspended',
  sign_out_everywhere: 'Signed out everywhere',
  send_password_reset: 'Sent a password reset',
  mark_email_verified: 'Marked email verified',
  restore_deletion: 'Restored from deletion',
  purge: 'Purged',
  change_role: 'Changed role',
  create_admin: 'Created administrator',
  export_started: 'Started an export',
  export_finished: 'Finished an export',
  import_users: 'Imported users',
};

const optionalId = z.union([z.literal(''), UserId]);
const AuditFilterValues = z.object({ actorId: optionalId, targetUserId: optionalId });
type AuditFilterValues = z.infer<typeof AuditFilterValues>;

function UserLink({ id }: { readonly id: string | null }) {
  if (id === null) return <span className="admin-muted">command line</span>;
  return (
    <a className="admin-id" title={id} href={formatRoute({ name: 'admin', section: 'users', userId: id })}>
      {id.slice(0, 8)}
    </a>
  );
}

function detailText(event: AdminAuditEvent): string {
  const entries = Object.entries(event.detail).filter(([key]) => key !== 'via');
  return entries
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function AuditScreen({ targetUserId }: { readonly targetUserId?: string | undefined }) {
  const [filter, setFilter] = useState<AuditFilterValues>({ actorId: '', targetUserId: targetUserId ?? '' });
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const { state, reload } = useAdminQuery(adminRoutes.audit, {
    query: {
      limit: PAGE_SIZE,
      ...(filter.actorId !== '' ? { actorId: filter.actorId } : {}),
      ...(filter.targetUserId !== '' ? { targetUserId: filter.targetUserId } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    },
  });
  const form = useForm<AuditFilterValues>({
    resolver: zodResolver(AuditFilterValues),
    defaultValues: filter,
  });
  const { errors } = form.formState;
  const format = useFormatter(useSettings() ?? undefined);
  const submit = form.handleSubmit((values) => {
    setFilter(values);
    pages.reset();
  });
  return (
    <div className="stack-lg">
      <Card>
        <form
          className="admin-filters"
          role="search"
          aria-label="Filter the audit log"
          noValidate
          onSubmit={(e) => void submit(e)}
        >
          <TextField
            label="Administrator (user id)"
            error={errors.actorId?.message}
            {...form.register('actorId')}
          />
          <TextField
            label="Account acted on (user id)"
            error={errors.targetUserId?.message}
            {...form.register('targetUserId')}
          />
          <div className="admin-filters__submit">
            <Button type="submit" variant="primary" icon="search">
              Filter
            </Button>
          </div>
        </form>
      </Card>
      <Card>
        {state.kind === 'loading' ? (
          <Loading label="Loading the audit log…" />
        ) : state.kind === 'failed' ? (
          <Banner tone="danger" live actions={<Button onClick={reload}>Try again</Button>}>
            {state.message}
          </Banner>
        ) : state.data.events.length === 0 ? (
          <EmptyState icon="shield" title="Nothing recorded" />
        ) : (
          <div className="stack">
            <div className="admin-table-wrap">
              <table className="admin-table" aria-label="Audit log">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">By</th>
                    <th scope="col">Account</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {state.data.events.map((event) => (
                    <tr key={event.id}>
                      <td>{format.dateTime(event.at)}</td>
                      <td>
                        {actionLabels[event.action]}
                        {detailText(event) !== '' ? (
                          <div className="admin-muted">{detailText(event)}</div>
                        ) : null}
                      </td>
                      <td>
                        <UserLink id={event.actorId} />
                      </td>
                      <td>{event.targetUserId === null ? '—' : <UserLink id={event.targetUserId} />}</td>
                      <td className="admin-reason">{event.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <PageButtons
              pages={pages}
              nextCursor={state.data.nextCursor}
              backLabel="Newer"
              forwardLabel="Older"
            />
          </div>
        )}
      </Card>
    </div>
  );
}
