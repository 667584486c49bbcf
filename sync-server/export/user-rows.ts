// One exported user, for administrators: the id and each entity's record as the policy table's
// `redactForExport(…, 'admin')` makes it (never a `never` field, never an `owner` field, `redact`
// fields as a marker). NDJSON and JSON carry the record as it is; CSV flattens it into columns.
import type { AdminExportRow } from '#shared/contract/admin';
import { exportedFieldNames } from '#shared/contract/portability';
import { redactForExport } from '#shared/policy/export';
import type { AnyDoc, EntityName } from '#shared/policy/table';
import type { ExportUserRecord, UserRecord } from '../storage/store.ts';
import { csvCell, type CsvCell } from './csv.ts';

const rowEntities = ['account', 'profile', 'settings'] as const satisfies readonly EntityName[];
/** Computed once: the fields each entity's admin record can hold, in policy-table order. */
const adminFields: Readonly<Record<(typeof rowEntities)[number], readonly string[]>> = {
  account: exportedFieldNames('account', 'admin'),
  profile: exportedFieldNames('profile', 'admin'),
  settings: exportedFieldNames('settings', 'admin'),
};

/** The account fields as the users row (the authority) holds them; used when no document exists. */
export function accountFieldsOf(user: UserRecord): Record<string, unknown> {
  return {
    email: user.email,
    emailVerified: user.emailVerified,
    pendingEmail: user.pendingEmail,
    role: user.role,
    status: user.status,
    twoFactorEnabled: user.twoFactorEnabled,
    createdAt: user.createdAt,
    deletionDueAt: user.deletionDueAt,
  };
}

function docFields(doc: AnyDoc | undefined): Record<string, unknown> {
  if (doc === undefined) return {};
  const { id: _id, clocks: _clocks, ...fields } = doc;
  return fields;
}

export function adminExportRow(record: ExportUserRecord): AdminExportRow {
  // The row is the authority for account state; the document supplies any further account field.
  const account = { ...docFields(record.account), ...accountFieldsOf(record.user) };
  return {
    id: record.user.id,
    account: redactForExport('account', account, 'admin'),
    profile: redactForExport('profile', docFields(record.profile), 'admin'),
    settings: redactForExport('settings', docFields(record.settings), 'admin'),
  };
}

/** CSV columns: `id`, then `entity.field` for every field an admin export can hold. */
export function csvColumns(): string[] {
  return ['id', ...rowEntities.flatMap((entity) => adminFields[entity].map((name) => `${entity}.${name}`))];
}

export function csvRow(row: AdminExportRow): CsvCell[] {
  return [
    row.id,
    ...rowEntities.flatMap((entity) => {
      const record: Record<string, unknown> = row[entity];
      return adminFields[entity].map((name) => csvCell(record[name]));
    }),
  ];
}
