// User management for administrators: list, view, suspend, sign out, reset, verify, restore, purge
// and change roles. Each action builds on the account modules (row and document change together,
// revocations end streams at once) and is recorded in the audit log with actor, target and reason.
import type {
  AdminActionResult,
  AdminUserDetail,
  AdminUserSummary,
  ListUsersQuery,
  UserPage,
} from '#shared/contract/admin';
import { VisibilityChoices } from '#shared/entities/settings';
import { AccordError } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import { project, type Projected } from '#shared/policy/project';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument, type AnyDoc, type EntityName } from '#shared/policy/table';
import type { z } from 'zod';
import { changeAccount } from '../accounts/account-doc.ts';
import { audit } from '../accounts/audit.ts';
import { nowIso, type AccountDeps, type RequestMeta } from '../accounts/context.ts';
import { purgeAccount } from '../accounts/deletion.ts';
import { mails, sendMail } from '../accounts/mail-templates.ts';
import { revokeSessions } from '../accounts/sessions.ts';
import { issueEmailCode } from '../accounts/verification-codes.ts';
import { accountFieldsOf } from '../export/user-rows.ts';
import type { AdminUserFilter, StoredDoc, UserRecord } from '../storage/store.ts';
import { recordAdminAction, type AdminActionInput } from './audit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

/** Who acts: an administrator's session (with the request's address) or the command line. */
export interface Actor {
  readonly actorId: string | null;
  readonly via: 'api' | 'cli';
  readonly meta?: RequestMeta | undefined;
}

type Result = z.infer<typeof AdminActionResult>;

export function summaryOf(user: UserRecord, displayName: string): AdminUserSummary {
  return {
    userId: user.id,
    email: user.email,
    displayName,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerified,
    twoFactorEnabled: user.twoFactorEnabled,
    createdAt: user.createdAt,
    deletionDueAt: user.deletionDueAt,
  };
}

function filterOf(query: AdminUserFilter): AdminUserFilter {
  return { q: query.q, status: query.status, role: query.role };
}

export async function listUsers(
  deps: AccountDeps,
  query: z.output<typeof ListUsersQuery>,
): Promise<z.infer<typeof UserPage>> {
  const position = decodeCursor(query.cursor);
  const filter = filterOf(query);
  const [rows, total] = await Promise.all([
    deps.store.admin.listUsers(
      filter,
      position && { createdAt: position.at, id: position.id },
      // One more than asked tells whether another page follows.
      query.limit + 1,
    ),
    deps.store.admin.countUsers(filter),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    users: page.map((row) => summaryOf(row, row.displayName)),
    total,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

async function findUser(deps: AccountDeps, userId: string): Promise<UserRecord> {
  const user = await deps.store.findUser(userId);
  if (user === undefined) throw new AccordError('not_found', 'No such user.', 'userId');
  return user;
}

function liveData(doc: StoredDoc | undefined): AnyDoc | undefined {
  return doc === undefined || doc.deleted ? undefined : doc.data;
}

function displayNameOf(profile: AnyDoc | undefined): string {
  return typeof profile?.displayName === 'string' ? profile.displayName : '';
}

/** The policy's projection for administrators, without clocks (the console edits nothing by clock). */
function adminProjection(
  entity: EntityName,
  doc: AnyDoc,
  choices?: VisibilityChoices,
): Record<string, unknown> {
  const projected: Projected | null = project(entity, doc, 'admin', choices);
  if (projected === null) return { id: doc.id };
  const { clocks: _clocks, ...fields } = projected;
  return fields;
}

async function summaryFor(deps: AccountDeps, userId: string): Promise<AdminUserSummary> {
  const [user, profile] = await Promise.all([
    findUser(deps, userId),
    deps.store.getDocument('profiles', userId),
  ]);
  return summaryOf(user, displayNameOf(liveData(profile)));
}

export async function userDetail(deps: AccountDeps, userId: string): Promise<AdminUserDetail> {
  const user = await findUser(deps, userId);
  const [accountDoc, profileDoc, settingsDoc, sessions, tokens] = await Promise.all([
    deps.store.getDocument('accounts', userId),
    deps.store.getDocument('profiles', userId),
    deps.store.getDocument('settings', userId),
    deps.store.listSessions(userId, nowIso(deps)),
    deps.store.listAccessTokens(userId),
  ]);
  const profile = liveData(profileDoc);
  const settings = liveData(settingsDoc);
  const choices = VisibilityChoices.safeParse(settings?.visibility);
  // The row is the authority for account state; the document supplies any further account field.
  const account: AnyDoc = {
    ...(liveData(accountDoc) ?? newDocument('account', userId)),
    ...accountFieldsOf(user),
  };
  return {
    user: summaryOf(user, displayNameOf(profile)),
    account: adminProjection('account', account) as AdminUserDetail['account'],
    profile:
      profile === undefined
        ? null
        : (adminProjection(
            'profile',
            profile,
            choices.success ? choices.data : undefined,
          ) as AdminUserDetail['profile']),
    settings:
      settings === undefined ? null : (adminProjection('settings', settings) as AdminUserDetail['settings']),
    sessions: sessions.map((session) => ({
      id: session.id,
      deviceName: session.deviceName,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      ip: session.ip,
      userAgent: session.userAgent,
    })),
    accessTokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      scopes: [...token.scopes],
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
    })),
  };
}

async function done(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  input: Pick<AdminActionInput, 'action' | 'reason' | 'detail'>,
  message: string,
): Promise<Result> {
  await recordAdminAction(deps, {
    ...input,
    actorId: actor.actorId,
    targetUserId: userId,
    via: actor.via,
    meta: actor.meta,
  });
  return { user: await summaryFor(deps, userId), message };
}

export async function suspendUser(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (userId === actor.actorId)
    throw new AccordError('conflict', 'You cannot suspend your own account.', 'userId');
  if (user.status !== 'active') {
    throw new AccordError(
      'conflict',
      `Only an active account can be suspended; this one is ${user.status}.`,
      'userId',
    );
  }
  // Status and directory entry change in one commit: viewers receive the tombstone with it.
  await changeAccount(deps, userId, { status: 'suspended' }, { directory: true });
  const ended = await revokeSessions(deps, { userId }, 'suspended');
  deps.revocations.emit({ kind: 'account', userId });
  return done(
    deps,
    actor,
    userId,
    { action: 'suspend', reason, detail: { sessionsEnded: ended.length } },
    `Suspended; ${ended.length} sessions ended.`,
  );
}

export async function unsuspendUser(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (user.status !== 'suspended')
    throw new AccordError('conflict', 'This account is not suspended.', 'userId');
  await changeAccount(deps, userId, { status: 'active' }, { directory: true });
  return done(
    deps,
    actor,
    userId,
    { action: 'unsuspend', reason },
    'The suspension was lifted; the user may sign in again.',
  );
}

export async function signOutEverywhere(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  await findUser(deps, userId);
  const ended = await revokeSessions(deps, { userId }, 'admin-sign-out');
  return done(
    deps,
    actor,
    userId,
    { action: 'sign_out_everywhere', reason, detail: { sessionsEnded: ended.length } },
    `${ended.length} sessions ended.`,
  );
}

export async function sendPasswordReset(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (!user.emailVerified) {
    throw new AccordError('conflict', 'The email address is not verified; verify it first.', 'userId');
  }
  if (user.status !== 'active') {
    throw new AccordError(
      'conflict',
      `The account is ${user.status}; a reset would not let the user in.`,
      'userId',
    );
  }
  const code = await issueEmailCode(deps, userId, 'reset-password', null);
  if (code === undefined) {
    throw new AccordError(
      'rate_limited',
      'A reset code went out moments ago or too often this hour; try later.',
    );
  }
  sendMail(deps, mails.passwordReset(user.email, code, deps.limits.codeTtlMs));
  return done(
    deps,
    actor,
    userId,
    { action: 'send_password_reset', reason },
    'A password reset code was mailed to the user.',
  );
}

export async function markEmailVerified(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (!user.emailVerified) {
    // Verification decides whether the profile is listed at all, so the directory entry is re-sent.
    await changeAccount(deps, userId, { emailVerified: true }, { directory: true });
    await deps.store.deleteVerificationCode(userId, 'verify-email');
  }
  return done(
    deps,
    actor,
    userId,
    { action: 'mark_email_verified', reason, detail: { wasVerified: user.emailVerified } },
    user.emailVerified ? 'The email address was verified already.' : 'The email address is now verified.',
  );
}

export async function restoreDeletion(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (user.status !== 'pending-deletion') {
    throw new AccordError('conflict', 'This account is not pending deletion.', 'userId');
  }
  await changeAccount(
    deps,
    userId,
    { status: 'active', deletionDueAt: null, deletionRequestedAt: null },
    { directory: true },
  );
  await audit(deps, {
    type: 'deletion_restored',
    userId,
    actorId: actor.actorId,
    meta: actor.meta,
    detail: 'by an administrator',
  });
  sendMail(deps, mails.accountRestored(user.email));
  return done(
    deps,
    actor,
    userId,
    { action: 'restore_deletion', reason },
    'The deletion was cancelled; the account is active.',
  );
}

/**
 * Purges a pending-deletion account now: its deletion falls due at once and the accounts
 * module's purge runs (tombstones for every device, the row and its records erased, a receipt).
 */
export async function purgeNow(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  reason: string,
  confirmEmail: string,
): Promise<{ userId: string; purged: true; message: string }> {
  const user = await findUser(deps, userId);
  if (user.status !== 'pending-deletion') {
    throw new AccordError(
      'conflict',
      'Only an account pending deletion can be purged; ask the owner to delete it.',
      'userId',
    );
  }
  if (confirmEmail.trim().toLowerCase() !== user.email.toLowerCase()) {
    throw new AccordError(
      'validation_failed',
      'Repeat the account’s email address to confirm the purge.',
      'confirmEmail',
    );
  }
  await changeAccount(deps, userId, { deletionDueAt: nowIso(deps) });
  if (!(await purgeAccount(deps, userId))) {
    throw new AccordError(
      'conflict',
      'The account changed meanwhile (restored or purged); look again.',
      'userId',
    );
  }
  // After the purge, which erases the account's audit events: this entry stays, like the receipt.
  await recordAdminAction(deps, {
    action: 'purge',
    actorId: actor.actorId,
    targetUserId: userId,
    reason,
    via: actor.via,
    meta: actor.meta,
    detail: { deletionDueAt: user.deletionDueAt },
  });
  return { userId, purged: true, message: 'The account was purged; devices receive tombstones.' };
}

export async function changeRole(
  deps: AccountDeps,
  actor: Actor,
  userId: string,
  role: Role,
  reason: string,
): Promise<Result> {
  const user = await findUser(deps, userId);
  if (user.role === role) {
    return done(
      deps,
      actor,
      userId,
      { action: 'change_role', reason, detail: { from: user.role, to: role } },
      `Already ${role}.`,
    );
  }
  await deps.store.admin.changeRole(userId, role, (current) => {
    const base = current === undefined || current.deleted ? newDocument('account', userId) : current.data;
    const data = applyLocalEdit('account', base, { role }, () => deps.clock.now());
    return { write: { data, deleted: false, ownerId: userId }, result: undefined };
  });
  return done(
    deps,
    actor,
    userId,
    { action: 'change_role', reason, detail: { from: user.role, to: role } },
    role === 'admin' ? 'The user is now an administrator.' : 'The user is no longer an administrator.',
  );
}
