// Imports users from another system: an NDJSON file, one account per line (ImportUserRow in
// shared/contract/admin.ts), each line validated on its own with the shared schemas and written in
// its own transaction, so a rejected line writes nothing and never stops the others. A dry run
// checks everything (including addresses already taken) and writes nothing. Rejections carry the
// line number and the reason; the caller streams them to a report.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ImportUserRow } from '#shared/contract/admin';
import { exportedValueSchema } from '#shared/contract/portability';
import { AccordError } from '#shared/errors';
import type { HybridClock } from '#shared/hlc';
import type { FieldPolicy } from '#shared/policy/field';
import { policyOf, replicatedFieldNames } from '#shared/policy/table';
import { auditRecord } from '../accounts/audit.ts';
import { recordAdminAction } from '../admin/audit.ts';
import { readNdjsonLines } from '../export/ndjson.ts';
import type { SyncStore } from '../storage/store.ts';
import { newAccountRecord } from './new-account.ts';
import { importedHashProblem } from './password-hashes.ts';

/** A line longer than this is rejected unread (a profile at its limits is far smaller). */
export const MAX_IMPORT_LINE_BYTES = 256 * 1024;
/** Stands in for "no password": no hash format matches it, so only a password reset lets the person in. */
export const NO_PASSWORD = '!imported-without-password';

export interface ImportDeps {
  readonly store: SyncStore;
  readonly clock: HybridClock;
  readonly now: () => number;
}

export interface ImportRejection {
  readonly line: number;
  readonly email: string | null;
  readonly reason: string;
}

export interface ImportSummary {
  readonly batchId: string;
  readonly dryRun: boolean;
  /** Non-blank lines read. */
  readonly rows: number;
  /** Accounts created (or, in a dry run, that would be). */
  readonly accepted: number;
  readonly rejected: number;
}

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly reason: string;
  /** Shown in the audit log, e.g. the file name. */
  readonly source: string;
  readonly onRejected?: (rejection: ImportRejection) => void;
  readonly onProgress?: (summary: Omit<ImportSummary, 'batchId' | 'dryRun'>) => void;
}

type Entity = 'profile' | 'settings';

/** Owner-written fields of the entity, except sets of user ids (ids of another system mean nothing here). */
function importable(entity: Entity, name: string): FieldPolicy | undefined {
  if (!replicatedFieldNames(entity).includes(name)) return undefined;
  const policy = policyOf(entity, name);
  if (policy?.writer !== 'owner') return undefined;
  if (
    policy.merge === 'set' &&
    policy.schema instanceof z.ZodArray &&
    !(policy.schema.element instanceof z.ZodUnion)
  ) {
    return undefined;
  }
  return policy;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

class RowProblem extends Error {}

function problem(where: string, error: z.ZodError): RowProblem {
  const text = error.issues
    .slice(0, 3)
    .map((issue) => {
      const location = `${where}${pathText(issue.path)}`.replace(/^\./, '');
      return location.length > 0 ? `${location}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return new RowProblem(text);
}

/** Plain values of one entity as document fields: sets become entries stamped now. */
function documentFields(
  entity: Entity,
  values: Readonly<Record<string, unknown>> | undefined,
  clock: HybridClock,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    const policy = policyOf(entity, name);
    if (policy === undefined) throw new RowProblem(`${entity}.${name}: no such field`);
    if (importable(entity, name) === undefined) {
      throw new RowProblem(
        `${entity}.${name}: cannot be imported (written by the ${policy.writer}, or ids of another system)`,
      );
    }
    if (policy.merge !== 'set') {
      const parsed = policy.schema.safeParse(value);
      if (!parsed.success) throw problem(`${entity}.${name}`, parsed.error);
      fields[name] = parsed.data;
      continue;
    }
    // Server-owned flags of set values (verified, primary) default to false when the source has none.
    const withDefaults = Array.isArray(value)
      ? value.map((item: unknown) =>
          typeof item === 'object' && item !== null
            ? { ...Object.fromEntries(policy.serverOwnedKeys.map((key) => [key, false])), ...item }
            : item,
        )
      : value;
    const parsed = exportedValueSchema(policy).safeParse(withDefaults);
    if (!parsed.success) throw problem(`${entity}.${name}`, parsed.error);
    fields[name] = (parsed.data as unknown[]).map((item) => ({
      id: randomUUID(),
      at: clock.now(),
      removed: false,
      value: item,
    }));
  }
  return fields;
}

function parseRow(text: string): ImportUserRow {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RowProblem(`not JSON: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  const row = ImportUserRow.safeParse(json);
  if (!row.success) throw problem('', row.error);
  return row.data;
}

/** Why a row was rejected, or undefined for a failure that is not the row's (the database is down). */
function rejectionReason(error: unknown): string | undefined {
  if (error instanceof RowProblem || error instanceof AccordError) return error.message;
  if (error instanceof z.ZodError) return problem('', error).message;
  return undefined;
}

function emailOf(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    const email =
      typeof value === 'object' && value !== null ? (value as { email?: unknown }).email : undefined;
    return typeof email === 'string' ? email.slice(0, 254) : null;
  } catch {
    return null;
  }
}

export async function importUsers(
  deps: ImportDeps,
  input: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const batchId = randomUUID();
  const seen = new Map<string, number>();
  let rows = 0;
  let accepted = 0;
  let rejected = 0;

  for await (const entry of readNdjsonLines(input, { maxLineBytes: MAX_IMPORT_LINE_BYTES })) {
    rows += 1;
    try {
      if ('problem' in entry) throw new RowProblem(entry.problem);
      const row = parseRow(entry.text);
      const email = row.email.toLowerCase();
      const earlier = seen.get(email);
      if (earlier !== undefined) throw new RowProblem(`email: the same address is on line ${earlier}`);
      seen.set(email, entry.line);
      if (row.passwordHash !== undefined) {
        const hashProblem = importedHashProblem(row.passwordHash);
        if (hashProblem !== undefined) throw new RowProblem(`passwordHash: ${hashProblem}`);
      }
      const profile = documentFields('profile', row.profile, deps.clock);
      const settings = documentFields('settings', row.settings, deps.clock);
      if ((await deps.store.findUserByEmail(email)) !== undefined) {
        throw new RowProblem('email: an account with this address exists already');
      }
      const createdAt = row.createdAt ?? new Date(deps.now()).toISOString();
      const account = newAccountRecord(
        deps.clock,
        {
          email,
          passwordHash: row.passwordHash ?? NO_PASSWORD,
          role: row.role,
          emailVerified: row.emailVerified,
          createdAt,
          profile,
          settings,
        },
        (userId) => [
          auditRecord(deps, {
            type: 'registered',
            userId,
            actorId: null,
            detail: `imported (batch ${batchId})`,
          }),
        ],
      );
      // One transaction per row: a row either lands whole or not at all.
      if (!options.dryRun) await deps.store.admin.createAccounts([account]);
      accepted += 1;
    } catch (error) {
      const reason = rejectionReason(error);
      if (reason === undefined) throw error;
      rejected += 1;
      const email = 'text' in entry ? emailOf(entry.text) : null;
      options.onRejected?.({ line: entry.line, email, reason });
    }
    options.onProgress?.({ rows, accepted, rejected });
  }

  await recordAdminAction(deps, {
    action: 'import_users',
    actorId: null,
    targetUserId: null,
    reason: options.reason,
    via: 'cli',
    detail: { batchId, source: options.source, dryRun: options.dryRun, rows, accepted, rejected },
  });
  return { batchId, dryRun: options.dryRun, rows, accepted, rejected };
}
