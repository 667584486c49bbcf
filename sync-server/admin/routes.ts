// Wires the admin contract (shared/contract/admin.ts): the registry checks the admin role, and
// every handler first asks for a recent sign-in or re-authentication, as sensitive account
// actions do. Mutations record their reason in the audit log (see users.ts).
import { Readable } from 'node:stream';
import { adminRoutes, exportMediaTypes, type ExportJob } from '#shared/contract/admin';
import type { RouteContract } from '#shared/contract/route';
import { AccordError } from '#shared/errors';
import { requestMeta, type AccountDeps } from '../accounts/context.ts';
import { requireRecentAuth } from '../accounts/sessions.ts';
import type { AuthedInput, RouteRegistry } from '../http/routes.ts';
import { createExportJob, exportFileExtensions, startExportFile } from '../export/bulk-export.ts';
import { fileBody } from '../export/file-body.ts';
import type { ResponseOf } from '#shared/contract/route';
import type { ExportJobRecord } from '../storage/store.ts';
import { toAdminAuditEvent, ADMIN_ACTION_EVENT } from './audit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  changeRole,
  listUsers,
  markEmailVerified,
  purgeNow,
  restoreDeletion,
  sendPasswordReset,
  signOutEverywhere,
  suspendUser,
  unsuspendUser,
  userDetail,
  type Actor,
} from './users.ts';

export function exportJobView(job: ExportJobRecord): ExportJob {
  return {
    id: job.id,
    format: job.format,
    filter: job.filter,
    after: job.afterId,
    limit: job.limit,
    status: job.status,
    total: job.total,
    done: job.done,
    lastUserId: job.lastUserId,
    actorId: job.actorId,
    via: job.via,
    reason: job.reason,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    expiresAt: job.expiresAt,
    error: job.error,
  };
}

export function registerAdminRoutes(registry: RouteRegistry, deps: AccountDeps): void {
  /** Admin role (checked by the registry) and a recent authentication, for every admin route. */
  const admin = <R extends RouteContract>(
    contract: R,
    handler: (input: AuthedInput<R>, actor: Actor) => Promise<ResponseOf<R>>,
  ) => {
    registry.authed(contract, async (input) => {
      requireRecentAuth(deps, input.auth.authenticatedAt);
      return handler(input, { actorId: input.auth.userId, via: 'api', meta: requestMeta(input.request) });
    });
  };

  admin(adminRoutes.listUsers, ({ query }) => listUsers(deps, query));
  admin(adminRoutes.getUser, ({ query }) => userDetail(deps, query.userId));
  admin(adminRoutes.suspend, ({ body }, actor) => suspendUser(deps, actor, body.userId, body.reason));
  admin(adminRoutes.unsuspend, ({ body }, actor) => unsuspendUser(deps, actor, body.userId, body.reason));
  admin(adminRoutes.signOutEverywhere, ({ body }, actor) =>
    signOutEverywhere(deps, actor, body.userId, body.reason),
  );
  admin(adminRoutes.sendPasswordReset, ({ body }, actor) =>
    sendPasswordReset(deps, actor, body.userId, body.reason),
  );
  admin(adminRoutes.markEmailVerified, ({ body }, actor) =>
    markEmailVerified(deps, actor, body.userId, body.reason),
  );
  admin(adminRoutes.restoreDeletion, ({ body }, actor) =>
    restoreDeletion(deps, actor, body.userId, body.reason),
  );
  admin(adminRoutes.purge, ({ body }, actor) =>
    purgeNow(deps, actor, body.userId, body.reason, body.confirmEmail),
  );
  admin(adminRoutes.changeRole, ({ body }, actor) =>
    changeRole(deps, actor, body.userId, body.role, body.reason),
  );

  admin(adminRoutes.audit, async ({ query }) => {
    const position = decodeCursor(query.cursor);
    const records = await deps.store.admin.listAuditEvents(
      { type: ADMIN_ACTION_EVENT, targetUserId: query.targetUserId, actorId: query.actorId },
      position,
      query.limit + 1,
    );
    const page = records.slice(0, query.limit);
    const last = page.at(-1);
    return {
      events: page.flatMap((record) => toAdminAuditEvent(record) ?? []),
      nextCursor: records.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    };
  });

  admin(adminRoutes.createExport, async ({ body }, actor) => {
    const job = await createExportJob(deps, {
      format: body.format,
      filter: body.filter,
      afterId: body.after,
      limit: body.limit,
      reason: body.reason,
      actorId: actor.actorId,
      via: 'api',
      meta: actor.meta,
    });
    return exportJobView(job);
  });
  admin(adminRoutes.listExports, async () => ({
    exports: (await deps.store.admin.listExportJobs(50)).map(exportJobView),
  }));
  admin(adminRoutes.exportStatus, async ({ query }) => {
    const job = await deps.store.admin.findExportJob(query.exportId);
    if (job === undefined) throw new AccordError('not_found', 'No such export.', 'exportId');
    return exportJobView(job);
  });

  admin(adminRoutes.downloadExport, async ({ auth, query, reply }) => {
    const job = await deps.store.admin.findExportJob(query.exportId);
    // Another administrator's export is not yours to download: the same answer as none at all.
    if (job?.actorId !== auth.userId) throw new AccordError('not_found', 'No such export.', 'exportId');
    const { chunks } = await startExportFile(deps, job);
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    reply
      .header('content-type', exportMediaTypes[job.format])
      .header(
        'content-disposition',
        `attachment; filename="accord-users-${day}.${exportFileExtensions[job.format]}"`,
      )
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('x-export-id', job.id)
      .header('x-export-total', String(job.total));
    // Pulled only as fast as the client reads: back-pressure reaches the database pages.
    return fileBody(Readable.from(chunks, { objectMode: false }));
  });
}
