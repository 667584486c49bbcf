// Users: search by email or name, filter by status and role, and page through the result with
// the server's keyset cursor (stable while accounts are added). A row opens the user.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { adminRoutes, type UserFilter } from '#shared/contract/admin';
import { AccountStatus, accountStatuses } from '#shared/entities/account';
import { Role, roles } from '#shared/policy/field';
import { formatRoute } from '../../app/routes.ts';
import { useFormatter } from '../../app/format.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner, EmptyState, Loading } from '../../ui/feedback.tsx';
import { SelectField, TextField } from '../../ui/field.tsx';
import { useSettings } from '../own-docs.ts';
import { roleLabels, statusLabels, StatusBadge } from './present.tsx';
import { PageButtons, useCursorPages } from './cursor-pages.tsx';
import { useAdminQuery } from './use-admin-query.ts';

const PAGE_SIZE = 25;

/** The filter form; empty text and "any" mean no filter. */
export const FilterValues = z.object({
  q: z.string().trim().max(100, 'at most 100 characters'),
  status: z.union([z.literal(''), AccountStatus]),
  role: z.union([z.literal(''), Role]),
});
export type FilterValues = z.infer<typeof FilterValues>;

export function toUserFilter(values: FilterValues): UserFilter {
  return {
    ...(values.q !== '' ? { q: values.q } : {}),
    ...(values.status !== '' ? { status: values.status } : {}),
    ...(values.role !== '' ? { role: values.role } : {}),
  };
}

export const statusOptions = [
  { value: '', label: 'Any status' },
  ...accountStatuses.map((status) => ({ value: status, label: statusLabels[status] })),
];
export const roleOptions = [
  { value: '', label: 'Any role' },
  ...roles.map((role) => ({ value: role, label: roleLabels[role] })),
];

export function UserFilterForm({
  onApply,
  submitLabel = 'Search',
}: {
  readonly onApply: (filter: UserFilter) => void;
  readonly submitLabel?: string;
}) {
  const form = useForm<FilterValues>({
    resolver: zodResolver(FilterValues),
    defaultValues: { q: '', status: '', role: '' },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) => {
    onApply(toUserFilter(values));
  });
  return (
    <form
      className="admin-filters"
      role="search"
      aria-label="Find users"
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <TextField
        label="Email or name"
        type="search"
        placeholder="Part of an address or name"
        error={errors.q?.message}
        {...form.register('q')}
      />
      <SelectField label="Status" options={statusOptions} {...form.register('status')} />
      <SelectField label="Role" options={roleOptions} {...form.register('role')} />
      <div className="admin-filters__submit">
        <Button type="submit" variant="primary" icon="search">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

export function UsersScreen() {
  const [filter, setFilter] = useState<UserFilter>({});
  // Cursors of the pages before the current one, so "Previous" needs no reverse query.
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const { state } = useAdminQuery(adminRoutes.listUsers, {
    query: { ...filter, limit: PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) },
  });
  const format = useFormatter(useSettings() ?? undefined);
  const first = pages.pagesBefore * PAGE_SIZE + 1;
  return (
    <div className="stack-lg">
      <Card>
        <UserFilterForm
          onApply={(next) => {
            setFilter(next);
            pages.reset();
          }}
        />
      </Card>
      <Card>
        {state.kind === 'loading' ? (
          <Loading label="Loading users…" />
        ) : state.kind === 'failed' ? (
          <Banner tone="danger" live>
            {state.message}
          </Banner>
        ) : state.data.users.length === 0 ? (
          <EmptyState icon="search" title="No users match" />
        ) : (
          <div className="stack">
            <p className="admin-count" role="status">
              {first}–{first + state.data.users.length - 1} of {state.data.total}{' '}
              {state.data.total === 1 ? 'user' : 'users'}
            </p>
            <div className="admin-table-wrap">
              <table className="admin-table" aria-label="Users">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Joined</th>
                  </tr>
                </thead>
                <tbody>
                  {state.data.users.map((user) => (
                    <tr key={user.userId}>
                      <td>
                        <a href={formatRoute({ name: 'admin', section: 'users', userId: user.userId })}>
                          {user.email}
                        </a>
                        <div className="admin-muted">{user.displayName || '—'}</div>
                      </td>
                      <td>{roleLabels[user.role]}</td>
                      <td>
                        <StatusBadge status={user.status} />
                      </td>
                      <td>{format.date(user.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <PageButtons
              pages={pages}
              nextCursor={state.data.nextCursor}
              backLabel="Previous page"
              forwardLabel="Next page"
            />
          </div>
        )}
      </Card>
    </div>
  );
}
