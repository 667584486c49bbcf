// Account deletion: a grace period (sessions end, the profile leaves every directory, signing in
// offers restore), then a purge that erases personal data and leaves tombstones and a receipt.
import type { FastifyReply } from 'fastify';
import type { SessionTokens } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import { newDocument, type EntityName } from '#shared/policy/table';
import type { AuthContext } from '../auth/authenticate.ts';
import type { SyncedCollection } from '../storage/store.ts';
import { changeAccount } from './account-doc.ts';
import { audit, auditRecord } from './audit.ts';
import { consumeChallenge, openChallenge } from './challenges.ts';
import { hasPassed, isoIn, nowIso, type AccountDeps, type RequestMeta } from './context.ts';
import { confirmIdentity } from './credentials.ts';
import { accountKey, assertAddressNotThrottled, recordAddressFailure } from './lockout.ts';
import { mails, sendMail } from './mail-templates.ts';
import { revokeSessions, requireRecentAuth, startSession } from './sessions.ts';
import { checkSecondFactor, type SecondFactorAnswer } from './sign-in.ts';

const DAY_MS = 86_400_000;

export async function requestDeletion(
  deps: AccountDeps,
  auth: AuthContext,
  password: string,
  meta: RequestMeta,
): Promise<{ deletionDueAt: string }> {
  requireRecentAuth(deps, auth.authenticatedAt);
  const user = await confirmIdentity(deps, auth.userId, { password, passwordField: 'password' }, meta);
  const deletionDueAt = isoIn(deps, deps.config.deletionGraceDays * DAY_MS);
  // Status and directory entry change together: viewers receive the tombstone in the same commit.
  await changeAccount(
    deps,
    user.id,
    { status: 'pending-deletion', deletionDueAt, deletionRequestedAt: nowIso(deps) },
    { directory: true },
  );
  await revokeSessions(deps, { userId: user.id }, 'deletion-requested');
  deps.revocations.emit({ kind: 'account', userId: user.id });
  await audit(deps, {
    type: 'deletion_requested',
    userId: user.id,
    meta,
    detail: `due ${deletionDueAt.slice(0, 10)}`,
  });
  sendMail(deps, mails.deletionScheduled(user.email, deletionDueAt));
  return { deletionDueAt };
}

/** Cancels a pending deletion with the token offered at sign-in (and the second factor when on). */
export async function restoreAccount(
  deps: AccountDeps,
  request: SecondFactorAnswer & { restoreToken: string; deviceName: string },
  meta: RequestMeta,
  reply: FastifyReply,
): Promise<SessionTokens> {
  await assertAddressNotThrottled(deps, meta, reply);
  const challenge = await openChallenge(deps, request.restoreToken, 'restore');
  const user = challenge && (await deps.store.findUser(challenge.userId));
  if (
    challenge === undefined ||
    user === undefined ||
    user.status !== 'pending-deletion' ||
    user.deletionDueAt === null ||
    hasPassed(deps, user.deletionDueAt)
  ) {
    await recordAddressFailure(deps, meta);
    throw new AccordError('code_invalid', 'Unknown or expired restore token; sign in again.', 'restoreToken');
  }
  if (user.twoFactorEnabled) {
    if (request.totpCode === undefined && request.recoveryCode === undefined) {
      throw new AccordError(
        'second_factor_required',
        'Enter the code from your authenticator app to restore.',
        'totpCode',
      );
    }
    await checkSecondFactor(deps, user, request, meta, async () => {
      await deps.store.countChallengeFailure(challenge.tokenHash);
    });
  }
  if (!(await consumeChallenge(deps, challenge))) {
    throw new AccordError('code_invalid', 'Unknown or expired restore token; sign in again.', 'restoreToken');
  }
  await changeAccount(
    deps,
    user.id,
    { status: 'active', deletionDueAt: null, deletionRequestedAt: null },
    { directory: true },
  );
  await audit(deps, { type: 'deletion_restored', userId: user.id, meta });
  sendMail(deps, mails.accountRestored(user.email));
  const tokens = await startSession(deps, user.id, request.deviceName, meta);
  await audit(deps, { type: 'sign_in_succeeded', userId: user.id, meta, detail: 'restore' });
  return tokens;
}

const tombstoned: readonly [SyncedCollection, EntityName][] = [
  ['profiles', 'profile'],
  ['settings', 'settings'],
  ['accounts', 'account'],
];

/**
 * Erases one account whose grace period is over. Its documents become tombstones holding only
 * initial values, so every device that syncs them deletes its copy; the directory re-sends the
 * owner's entry as a tombstone; the rest goes with the user row, and a receipt is logged.
 */
export async function purgeAccount(deps: AccountDeps, userId: string): Promise<boolean> {
  const user = await deps.store.findUser(userId);
  if (
    user?.status !== 'pending-deletion' ||
    user.deletionDueAt === null ||
    !hasPassed(deps, user.deletionDueAt)
  ) {
    return false;
  }
  for (const [collection, entity] of tombstoned) {
    await deps.store.writeDocument(collection, userId, () => ({
      write: { data: newDocument(entity, userId), deleted: true, ownerId: userId },
      touchDirectory: [userId],
      result: undefined,
    }));
  }
  const receipt = auditRecord(deps, {
    type: 'account_purged',
    userId,
    actorId: null,
    detail: `personal data erased after the grace period that ended ${user.deletionDueAt.slice(0, 10)}`,
  });
  const purged = await deps.store.purgeUser(userId, receipt, [accountKey(user.email)]);
  if (purged) deps.revocations.emit({ kind: 'account', userId });
  return purged;
}

/**
 * One run of the purge job: every account due at `deps.now()`, then housekeeping of expired
 * sessions, challenges and counters. Safe to run in several server processes at once.
 */
export async function purgeDueAccounts(deps: AccountDeps): Promise<number> {
  let purged = 0;
  for (;;) {
    const due = await deps.store.listUsersDueForPurge(nowIso(deps), deps.limits.purgeBatch);
    let progressed = false;
    for (const userId of due) {
      if (await purgeAccount(deps, userId)) {
        purged += 1;
        progressed = true;
      }
    }
    if (due.length < deps.limits.purgeBatch || !progressed) break;
  }
  const stale = new Date(deps.now() - deps.limits.staleRecordsMs).toISOString();
  await deps.store.deleteStaleSessions(stale);
  await deps.store.deleteExpiredChallenges(stale);
  await deps.store.deleteStaleThrottles(new Date(deps.now() - DAY_MS).toISOString());
  return purged;
}

/** Runs the purge shortly after start and then periodically; returns a stop function that waits for a run. */
export function startPurgeJob(deps: AccountDeps, firstRunMs = 30_000): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= purgeDueAccounts(deps)
      .then((count) => {
        if (count > 0) deps.log.info({ purged: count }, 'purged accounts after their grace period');
      })
      .catch((error: unknown) => {
        deps.log.error({ err: error }, 'account purge failed; it runs again later');
      })
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, Math.min(firstRunMs, deps.limits.purgeIntervalMs));
  const every = setInterval(run, deps.limits.purgeIntervalMs);
  first.unref();
  every.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}
