// How the console shows account facts and field values: status badges, role names, and any field
// of the policy table as text (set fields as their live elements, objects as compact JSON).
import type { AccountStatus } from '#shared/entities/account';
import type { Role } from '#shared/policy/field';
import { liveEntries, type AnySetEntry } from '#shared/policy/set-entry';
import { policyOf, type EntityName } from '#shared/policy/table';
import { Badge } from '../../ui/feedback.tsx';

export const statusLabels: Record<AccountStatus, string> = {
  active: 'Active',
  suspended: 'Suspended',
  'pending-deletion': 'Pending deletion',
};

export const roleLabels: Record<Role, string> = { user: 'Member', admin: 'Administrator' };

export function StatusBadge({ status }: { readonly status: AccountStatus }) {
  const tone = status === 'active' ? 'success' : status === 'suspended' ? 'danger' : 'warning';
  return <Badge tone={tone}>{statusLabels[status]}</Badge>;
}

function isSetEntryList(value: unknown): value is AnySetEntry[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null);
}

export function valueText(entity: EntityName, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (policyOf(entity, field)?.merge === 'set' && isSetEntryList(value)) {
    const items = liveEntries(value).map((entry) => entry.value ?? entry.id);
    return items.length === 0 ? 'none' : items.map((item) => valueText(entity, '', item)).join('; ');
  }
  return JSON.stringify(value);
}

/** A document as an administrator may read it, one row per field, labelled from the policy table. */
export function FieldTable({
  entity,
  view,
}: {
  readonly entity: EntityName;
  readonly view: Readonly<Record<string, unknown>>;
}) {
  const rows = Object.entries(view).filter(([name]) => name !== 'id');
  return (
    <dl className="facts admin-fields">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{policyOf(entity, name)?.label ?? name}</dt>
          <dd>{valueText(entity, name, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
