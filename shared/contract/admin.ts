// The admin console contract: user management, the admin audit log, bulk exports with progress,
// and the NDJSON format of user imports. Every route needs the admin role AND a recent sign-in or
// re-authentication (401 `reauthentication_required` otherwise); every mutation needs a `reason`,
// which goes to the audit log with the actor, the target and the time.
import { z } from 'zod';
import { AccountStatus, accountFields } from '../entities/account.ts';
import { profileFields } from '../entities/profile.ts';
import { settingsFields } from '../entities/settings.ts';
import { Email, Timestamp, UserId } from '../entities/values.ts';
import { Role, type FieldTable } from '../policy/field.ts';
import { canRead } from '../visibility.ts';
import { AccessTokenInfo } from './auth.ts';
import { exportRecordSchemas } from './portability.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

/** Why an administrator did something; stored in the audit log, so keep personal data out of it. */
export const AdminReason = z
  .string()
  .trim()
  .min(3, 'give a reason (at least 3 characters)')
  .max(500, 'at most 500 characters');

/** Which users a list or an export covers; every filter is optional and they combine with AND. */
export const UserFilter = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Part of the email address or of the display name, case-insensitive.'),
  status: AccountStatus.optional(),
  role: Role.optional(),
});
export type UserFilter = z.infer<typeof UserFilter>;

export const ListUsersQuery = UserFilter.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(300)
    .optional()
    .describe('`nextCursor` of the previous page (keyset pagination: stable while users are added).'),
});

/** One row of the user list: the account fields (all `private`) and the public display name. */
export const AdminUserSummary = z.object({
  userId: UserId,
  email: Email,
  displayName: z.string(),
  role: Role,
  status: AccountStatus,
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  createdAt: Timestamp,
  deletionDueAt: Timestamp.nullable(),
});
export type AdminUserSummary = z.infer<typeof AdminUserSummary>;

export const UserPage = z.object({
  users: z.array(AdminUserSummary),
  /** Users matching the filter (all pages). */
  total: z.number().int().nonnegative(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

type OptionalShape<T extends FieldTable> = { [K in keyof T]: z.ZodOptional<T[K]['schema']> };

/**
 * A document as an administrator may read it: the policy's `project(…, 'admin')` — every field
 * up to `private`, never an `owner` field — without clocks. Derived from the policy table: a
 * field is here when an administrator can read it at some level its owner may choose. (The
 * static type lists every field as optional; the schema admits only the readable ones.)
 */
function adminView<T extends FieldTable>(fields: T) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, policy] of Object.entries(fields)) {
    if (policy.replicated && policy.visibility.choices.some((level) => canRead('admin', level))) {
      shape[name] = policy.schema.optional();
    }
  }
  return z.strictObject({ id: UserId, ...shape }) as unknown as z.ZodObject<
    { id: typeof UserId } & OptionalShape<T>,
    z.core.$strict
  >;
}
export const AdminAccountView = adminView(accountFields);
export const AdminProfileView = adminView(profileFields);
export const AdminSettingsView = adminView(settingsFields);

export const AdminSessionInfo = z.object({
  id: z.string(),
  deviceName: z.string(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

export const AdminUserDetail = z.object({
  user: AdminUserSummary,
  account: AdminAccountView,
  profile: AdminProfileView.nullable(),
  settings: AdminSettingsView.nullable(),
  /** Live sessions (signed-in devices), newest first. */
  sessions: z.array(AdminSessionInfo),
  /** Personal access tokens (metadata; the secrets are never stored in clear). */
  accessTokens: z.array(AccessTokenInfo),
});
export type AdminUserDetail = z.infer<typeof AdminUserDetail>;

const Target = { userId: UserId, reason: AdminReason };
export const AdminTargetBody = z.object(Target);

export const AdminActionResult = z.object({
  user: AdminUserSummary,
  /** What happened, in words the console can show. */
  message: z.string(),
});

export const adminActions = [
  'suspend',
  'unsuspend',
  'sign_out_everywhere',
  'send_password_reset',
  'mark_email_verified',
  'restore_deletion',
  'purge',
  'change_role',
  'create_admin',
  'export_started',
  'export_finished',
  'import_users',
] as const;
export const AdminAction = z.enum(adminActions);
export type AdminAction = z.infer<typeof AdminAction>;

/** An entry of the admin audit log (security events of type `admin_action`). */
export const AdminAuditEvent = z.object({
  id: z.string(),
  at: Timestamp,
  /** The administrator; null for the command line (`detail.via` says so). */
  actorId: z.string().nullable(),
  /** The account acted on; null for actions on many accounts (exports, imports). */
  targetUserId: z.string().nullable(),
  action: AdminAction,
  reason: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** Further facts of the action (filter and count of an export, the new role, …). */
  detail: z.record(z.string(), z.unknown()),
});
export type AdminAuditEvent = z.infer<typeof AdminAuditEvent>;

export const AuditQuery = z.object({
  targetUserId: UserId.optional(),
  actorId: UserId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional().describe('`nextCursor` of the previous page.'),
});

// Bulk exports.

export const exportFormats = ['ndjson', 'csv', 'json'] as const;
export const ExportFormat = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const exportMediaTypes: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * One exported user: the id and each entity's record as `redactForExport(entity, doc, 'admin')`
 * makes it. NDJSON has one per line; JSON holds them in `users`; CSV flattens them into columns
 * named `account.email`, `profile.displayName`, … (objects and lists as JSON text).
 */
export const AdminExportRow = z.strictObject({
  id: UserId,
  account: exportRecordSchemas.account.admin,
  profile: exportRecordSchemas.profile.admin,
  settings: exportRecordSchemas.settings.admin,
});
export type AdminExportRow = z.infer<typeof AdminExportRow>;

/** The JSON format: one document (streamed) around the rows. */
export const AdminExportDocument = z.strictObject({
  format: z.literal('accord-users-export'),
  version: z.literal(1),
  exportedAt: Timestamp,
  filter: UserFilter,
  after: UserId.nullable(),
  users: z.array(AdminExportRow),
});

export const exportStatuses = ['ready', 'running', 'completed', 'failed', 'aborted'] as const;
export const ExportStatus = z.enum(exportStatuses);
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ExportJob = z.object({
  id: z.uuid(),
  format: ExportFormat,
  filter: UserFilter,
  /** Rows start after this user id (exports run in user-id order; resume with the last id you got). */
  after: UserId.nullable(),
  /** At most this many rows, or all. */
  limit: z.number().int().positive().nullable(),
  /** ready: created, not downloaded yet; running; completed; failed; aborted (the download was cut off). */
  status: ExportStatus,
  /** Rows the export will hold, counted when it was created. */
  total: z.number().int().nonnegative(),
  /** Rows written so far (to a file, or to the connection: not all of them may have arrived). */
  done: z.number().int().nonnegative(),
  /** The id of the last row written. Resume a cut-off download with `after` = the last row you received. */
  lastUserId: UserId.nullable(),
  actorId: z.string().nullable(),
  via: z.enum(['api', 'cli']),
  reason: z.string(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  /** A job not downloaded by then can no longer be started. */
  expiresAt: Timestamp,
  error: z.string().nullable(),
});
export type ExportJob = z.infer<typeof ExportJob>;

export const CreateExportBody = z.object({
  format: ExportFormat,
  filter: UserFilter.default({}),
  after: UserId.optional().describe('Resume: export only users after this id (the `lastUserId` you got).'),
  limit: z.number().int().positive().max(10_000_000).optional(),
  reason: AdminReason,
});

export const ExportIdQuery = z.object({ exportId: z.uuid() });

// Imports (command line: `npm run admin -- import FILE [--dry-run]`).

/** Password hash formats an import accepts; each is upgraded to argon2id at the next sign-in. */
export const importedHashFormats = {
  argon2:
    '$argon2id$v=19$m=…,t=…,p=…$salt$hash (also $argon2i$, $argon2d$), PHC string: m ≤ 262144 KiB, t ≤ 20, p ≤ 16',
  bcrypt: '$2a$, $2b$ or $2y$, cost 4–15, then 53 characters of salt and hash',
  scrypt:
    '$scrypt$ln=…,r=…,p=…$salt$hash, PHC string, base64: ln = log2(N) ≤ 20, r ≤ 32, p ≤ 16, 128·N·r ≤ 256 MiB',
} as const;

/** One line of an import file: an account, optionally with profile and settings values. */
export const ImportUserRow = z.strictObject({
  email: Email,
  /** Imported addresses count as verified unless the source says otherwise. */
  emailVerified: z.boolean().default(true),
  role: Role.default('user'),
  createdAt: Timestamp.optional(),
  /** A password hash from the old system; without one the person sets a password by reset. */
  passwordHash: z.string().min(1).max(1024).optional(),
  /** Profile fields the owner writes, as plain values (sets as lists of values). */
  profile: z.record(z.string(), z.unknown()).optional(),
  /** Settings fields the owner writes. */
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ImportUserRow = z.infer<typeof ImportUserRow>;

const E = {
  ...commonErrors,
  ...authErrors,
  401: 'Missing or ended session, or `reauthentication_required`.',
};
const tags = ['admin'] as const;
const admin = 'admin' as const;

export const adminRoutes = {
  listUsers: defineRoute({
    method: 'GET',
    path: '/api/admin/users',
    auth: admin,
    tags,
    summary: 'List and search users, newest first (keyset pagination)',
    query: ListUsersQuery,
    responses: { 200: UserPage },
    errors: { ...E, 400: 'A malformed filter or cursor.' },
  }),
  getUser: defineRoute({
    method: 'GET',
    path: '/api/admin/users/detail',
    auth: admin,
    tags,
    summary: 'One user: account, profile and settings as an administrator may read them, sessions, tokens',
    description: 'Fields an owner keeps to themselves (`owner` visibility) and secrets never appear.',
    query: z.object({ userId: UserId }),
    responses: { 200: AdminUserDetail },
    errors: { ...E, 404: 'No such user.' },
  }),
  suspend: defineRoute({
    method: 'POST',
    path: '/api/admin/users/suspend',
    auth: admin,
    tags,
    summary:
      'Suspend a user: every session ends at once, sign-in and sync are refused, viewers get a tombstone',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: {
      ...E,
      404: 'No such user.',
      409: 'Not active (already suspended or pending deletion), or yourself.',
    },
  }),
  unsuspend: defineRoute({
    method: 'POST',
    path: '/api/admin/users/unsuspend',
    auth: admin,
    tags,
    summary: 'Lift a suspension: the user may sign in again and reappears in directories',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: { ...E, 404: 'No such user.', 409: 'The user is not suspended.' },
  }),
  signOutEverywhere: defineRoute({
    method: 'POST',
    path: '/api/admin/users/sign-out',
    auth: admin,
    tags,
    summary: 'End every session of a user (their devices must sign in again)',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: { ...E, 404: 'No such user.' },
  }),
  sendPasswordReset: defineRoute({
    method: 'POST',
    path: '/api/admin/users/password-reset',
    auth: admin,
    tags,
    summary: 'Mail the user a password reset code (they choose the new password themselves)',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: {
      ...E,
      404: 'No such user.',
      409: 'The email address is not verified, or the account is not active.',
      429: 'A code went out moments ago or too often this hour.',
    },
  }),
  markEmailVerified: defineRoute({
    method: 'POST',
    path: '/api/admin/users/verify-email',
    auth: admin,
    tags,
    summary: 'Mark the sign-in email address as verified',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: { ...E, 404: 'No such user.' },
  }),
  restoreDeletion: defineRoute({
    method: 'POST',
    path: '/api/admin/users/restore',
    auth: admin,
    tags,
    summary: 'Cancel a pending deletion (the account becomes active again)',
    body: AdminTargetBody,
    responses: { 200: AdminActionResult },
    errors: { ...E, 404: 'No such user.', 409: 'The account is not pending deletion.' },
  }),
  purge: defineRoute({
    method: 'POST',
    path: '/api/admin/users/purge',
    auth: admin,
    tags,
    summary: 'Purge a pending-deletion account now instead of at the end of its grace period',
    description:
      'Erases the personal data as the scheduled purge does (devices receive tombstones). `confirmEmail` must repeat the account’s email address.',
    body: AdminTargetBody.extend({ confirmEmail: Email }),
    responses: { 200: z.object({ userId: UserId, purged: z.literal(true), message: z.string() }) },
    errors: {
      ...E,
      400: '`confirmEmail` is not the account’s address.',
      404: 'No such user.',
      409: 'The account is not pending deletion.',
    },
  }),
  changeRole: defineRoute({
    method: 'POST',
    path: '/api/admin/users/role',
    auth: admin,
    tags,
    summary: 'Make a user an administrator, or an administrator a user',
    body: AdminTargetBody.extend({ role: Role }),
    responses: { 200: AdminActionResult },
    errors: { ...E, 404: 'No such user.', 409: 'This would leave no active administrator.' },
  }),
  audit: defineRoute({
    method: 'GET',
    path: '/api/admin/audit',
    auth: admin,
    tags,
    summary: 'The admin audit log, newest first: who did what to whom, when and why',
    query: AuditQuery,
    responses: { 200: z.object({ events: z.array(AdminAuditEvent), nextCursor: z.string().nullable() }) },
    errors: { ...E, 400: 'A malformed filter or cursor.' },
  }),
  createExport: defineRoute({
    method: 'POST',
    path: '/api/admin/exports',
    auth: admin,
    tags,
    summary: 'Start a bulk export of all or filtered users (NDJSON, CSV or JSON)',
    description:
      'Creates an export job and counts its rows. Download it once with `GET /api/admin/exports/download`, ' +
      'and poll `GET /api/admin/exports/status` meanwhile for `done` / `total`. Rows are redacted by each field’s ' +
      'export class for administrators and come in user-id order; to resume a cut-off download, start a new ' +
      'export with `after` = the id of the last row you received.',
    body: CreateExportBody,
    responses: { 201: ExportJob },
    errors: E,
  }),
  listExports: defineRoute({
    method: 'GET',
    path: '/api/admin/exports',
    auth: admin,
    tags,
    summary: 'Recent export jobs of every administrator, newest first',
    responses: { 200: z.object({ exports: z.array(ExportJob) }) },
    errors: E,
  }),
  exportStatus: defineRoute({
    method: 'GET',
    path: '/api/admin/exports/status',
    auth: admin,
    tags,
    summary: 'Progress of an export job: status, done / total, the last row written',
    query: ExportIdQuery,
    responses: { 200: ExportJob },
    errors: { ...E, 404: 'No such export.' },
  }),
  downloadExport: defineRoute({
    method: 'GET',
    path: '/api/admin/exports/download',
    auth: admin,
    tags,
    summary: 'Download an export job’s file, streamed (once, by the administrator who created it)',
    description:
      'The body is NDJSON (`application/x-ndjson`), CSV (`text/csv`, RFC 4180, formula-neutralised cells) or ' +
      'JSON (`application/json`), as attachment. The `x-export-total` header holds the row count.',
    query: ExportIdQuery,
    responses: { 200: z.string().describe('the export file') },
    errors: {
      ...E,
      404: 'No such export, or another administrator’s.',
      409: 'Already downloaded, or expired: start a new export (with `after` to resume).',
    },
  }),
} as const;

/** Admin routes whose body carries a reason, i.e. the mutations. */
export const adminMutations = Object.values(adminRoutes).filter((route) => route.method === 'POST');
