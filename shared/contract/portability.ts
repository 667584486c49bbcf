// Data portability: "download my data" (one zip archive per person) and the record formats that
// exports share. Every exported record is `redactForExport` of the policy table, and the schemas
// below are derived from the same table, so a new field lands in exports and their schemas at once.
import { z } from 'zod';
import { Timestamp, UserId } from '../entities/values.ts';
import { REDACTED, redactForExport, type ExportAudience } from '../policy/export.ts';
import type { FieldPolicy } from '../policy/field.ts';
import { EntryId } from '../policy/set-entry.ts';
import { entityNames, fieldsOf, type EntityName } from '../policy/table.ts';
import { AccessTokenInfo, SecurityEvent } from './auth.ts';
import { authErrors, defineRoute } from './route.ts';

/**
 * The fields `redactForExport` can put in a record for `audience`, in policy-table order. Found by
 * asking it about a record that has every field, so this list and the redaction never disagree.
 */
export function exportedFieldNames(entity: EntityName, audience: ExportAudience): string[] {
  const probe = Object.fromEntries(Object.keys(fieldsOf(entity)).map((name) => [name, null]));
  return Object.keys(redactForExport(entity, probe, audience));
}

/** What one exported field holds: the field's own value, or for a set its live elements' values. */
export function exportedValueSchema(policy: FieldPolicy): z.ZodType {
  if (policy.merge !== 'set' || !(policy.schema instanceof z.ZodArray)) return policy.schema;
  const element: unknown = policy.schema.element;
  const live = element instanceof z.ZodUnion ? (element.options as unknown[])[0] : element;
  const value: unknown = live instanceof z.ZodObject ? live.shape.value : undefined;
  // Sets of ids (contacts, blocked) export the ids themselves.
  return z.array(value instanceof z.ZodType ? value : EntryId);
}

/** The schema of one entity's exported record for an audience (`redact` fields may hold the marker). */
export function exportRecordSchema(entity: EntityName, audience: ExportAudience) {
  const policies = fieldsOf(entity);
  const shape: Record<string, z.ZodType> = {};
  for (const name of exportedFieldNames(entity, audience)) {
    const policy = policies[name];
    if (policy === undefined) continue;
    const value = exportedValueSchema(policy);
    const redactable = audience === 'admin' && policy.export === 'redact';
    shape[name] = (redactable ? z.union([value, z.literal(REDACTED)]) : value).optional();
  }
  return z.strictObject(shape);
}

export const exportRecordSchemas = Object.fromEntries(
  entityNames.map((entity) => [
    entity,
    { owner: exportRecordSchema(entity, 'owner'), admin: exportRecordSchema(entity, 'admin') },
  ]),
) as Record<EntityName, Record<ExportAudience, ReturnType<typeof exportRecordSchema>>>;

// Download my data.

export const ARCHIVE_FORMAT = 'accord-personal-data';
export const ARCHIVE_VERSION = 1;

export const ArchiveManifest = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  exportedAt: Timestamp,
  userId: UserId,
  /** Every other file in the archive, with what it holds. */
  files: z.array(z.strictObject({ name: z.string(), description: z.string() })),
  /**
   * Present when the app built the archive from the copy on one device (offline) instead of the
   * server: it holds what that device had at its last sync, and not the files only the server keeps.
   */
  origin: z
    .strictObject({
      source: z.literal('device'),
      lastSyncedAt: Timestamp.nullable(),
      /** The archive files this one leaves out because only the server has their data. */
      missing: z.array(z.string()),
    })
    .optional(),
});
export type ArchiveManifest = z.infer<typeof ArchiveManifest>;

export const ArchiveContact = z.strictObject({
  userId: z.string(),
  /** The contact's display name as you may see it today; null when they hide it from you or left. */
  displayName: z.string().nullable(),
});

export const ArchiveSession = z.strictObject({
  id: z.string(),
  deviceName: z.string(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/** The machine-readable files of the archive and their schemas; `index.html` is the readable summary. */
export const archiveFiles = {
  'manifest.json': ArchiveManifest,
  'account.json': exportRecordSchemas.account.owner,
  'profile.json': exportRecordSchemas.profile.owner,
  'settings.json': exportRecordSchemas.settings.owner,
  'contacts.json': z.strictObject({ contacts: z.array(ArchiveContact) }),
  'sessions.json': z.strictObject({ sessions: z.array(ArchiveSession) }),
  'security-events.json': z.strictObject({ events: z.array(SecurityEvent) }),
  'access-tokens.json': z.strictObject({ tokens: z.array(AccessTokenInfo) }),
} as const;
export type ArchiveFileName = keyof typeof archiveFiles;
export type ArchiveContent = { [F in ArchiveFileName]: z.infer<(typeof archiveFiles)[F]> };
/** Files whose data only the server keeps: an archive built on a device cannot hold them. */
export const serverOnlyArchiveFiles = [
  'sessions.json',
  'security-events.json',
  'access-tokens.json',
] as const;
export type ServerOnlyArchiveFile = (typeof serverOnlyArchiveFiles)[number];
/** What a device can put in an archive from its own database. */
export type DeviceArchiveContent = Omit<ArchiveContent, ServerOnlyArchiveFile>;
export const ARCHIVE_SUMMARY_FILE = 'index.html';
/** The avatar image, when one is stored: `avatar.png`, `avatar.jpg` or `avatar.webp`. */
export const archiveAvatarFile = {
  'image/png': 'avatar.png',
  'image/jpeg': 'avatar.jpg',
  'image/webp': 'avatar.webp',
} as const;

export const portabilityRoutes = {
  downloadMyData: defineRoute({
    method: 'POST',
    path: '/api/account/export',
    auth: 'session',
    tags: ['accounts'],
    summary: 'Download my data: one zip archive of everything the server keeps about you',
    description:
      'Answers with `application/zip` (Content-Disposition: attachment). The archive holds `manifest.json`, ' +
      '`account.json`, `profile.json`, `settings.json`, `contacts.json`, `sessions.json`, `security-events.json`, ' +
      '`access-tokens.json` (metadata only), the avatar image when one is stored, and `index.html`, a readable ' +
      'summary. Secrets (password hash, authenticator secret, recovery codes, token hashes) are never included. ' +
      'Needs a recent sign-in or re-authentication (`POST /api/auth/reauthenticate`); each download is recorded ' +
      'in your security events as `data_exported`.',
    responses: { 200: z.string().describe('the zip archive (application/zip)') },
    errors: {
      ...authErrors,
      401: 'Missing or ended session, or re-authentication required (`reauthentication_required`).',
      429: 'Too many requests; retry after the time in the Retry-After header.',
    },
  }),
} as const;
