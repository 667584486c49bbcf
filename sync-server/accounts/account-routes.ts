// Wires the email-change, deletion, audit-log and personal-access-token routes of the account contract.
import { authRoutes, SecurityEventType } from '#shared/contract/auth';
import type { RouteRegistry } from '../http/routes.ts';
import { createAccessToken, listAccessTokens, revokeAccessToken } from './access-tokens.ts';
import { requestMeta, type AccountDeps } from './context.ts';
import { requestDeletion, restoreAccount } from './deletion.ts';
import { confirmEmailChange, requestEmailChange, revertEmailChange } from './email-change.ts';

export function registerAccountRoutes(registry: RouteRegistry, deps: AccountDeps): void {
  registry.authed(authRoutes.requestEmailChange, ({ auth, body, request }) =>
    requestEmailChange(deps, auth, body, requestMeta(request)),
  );
  registry.authed(authRoutes.confirmEmailChange, ({ auth, body, request, reply }) =>
    confirmEmailChange(deps, auth, body.code, requestMeta(request), reply),
  );
  registry.public(authRoutes.revertEmailChange, ({ body, request, reply }) =>
    revertEmailChange(deps, body.token, requestMeta(request), reply),
  );

  registry.authed(authRoutes.requestDeletion, ({ auth, body, request }) =>
    requestDeletion(deps, auth, body.password, requestMeta(request)),
  );
  registry.public(authRoutes.restoreAccount, ({ body, request, reply }) =>
    restoreAccount(deps, body, requestMeta(request), reply),
  );

  registry.authed(authRoutes.auditEvents, async ({ auth, query }) => {
    const events = await deps.store.listAuditEvents(auth.userId, query.before, query.limit);
    return {
      events: events.flatMap((event) => {
        const type = SecurityEventType.safeParse(event.type);
        if (!type.success) return [];
        const { id, at, actorId, ip, userAgent, detail } = event;
        return [{ id, type: type.data, at, actorId, ip, userAgent, detail }];
      }),
    };
  });

  registry.authed(authRoutes.createAccessToken, ({ auth, body, request }) =>
    createAccessToken(deps, auth, body, requestMeta(request)),
  );
  registry.authed(authRoutes.listAccessTokens, async ({ auth }) => ({
    tokens: await listAccessTokens(deps, auth),
  }));
  registry.authed(authRoutes.revokeAccessToken, ({ auth, body, request }) =>
    revokeAccessToken(deps, auth, body.tokenId, requestMeta(request)),
  );
}
