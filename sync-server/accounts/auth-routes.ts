// Wires the sign-up, sign-in, session, password and two-factor routes of the account contract.
import { authRoutes } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import type { RouteRegistry } from '../http/routes.ts';
import { audit } from './audit.ts';
import { nowIso, requestMeta, type AccountDeps } from './context.ts';
import { confirmIdentity } from './credentials.ts';
import { meOf } from './email-change.ts';
import { changePassword, requestPasswordReset, resetPassword } from './password-change.ts';
import { register, resendVerification, verifyEmail } from './registration.ts';
import { refreshSession, revokeSessions } from './sessions.ts';
import { signIn, signInSecondFactor } from './sign-in.ts';
import { confirmTwoFactor, disableTwoFactor, regenerateRecoveryCodes, setupTwoFactor } from './two-factor.ts';

export function registerAuthRoutes(registry: RouteRegistry, deps: AccountDeps): void {
  registry.public(authRoutes.register, ({ body, request, reply }) =>
    register(deps, body, requestMeta(request), reply),
  );
  registry.public(authRoutes.verifyEmail, ({ body, request, reply }) =>
    verifyEmail(deps, body, requestMeta(request), reply),
  );
  registry.public(authRoutes.resendVerification, ({ body, request, reply }) =>
    resendVerification(deps, body.email, requestMeta(request), reply),
  );
  registry.public(authRoutes.signIn, ({ body, request, reply }) =>
    signIn(deps, body, requestMeta(request), reply),
  );
  registry.public(authRoutes.signInSecondFactor, ({ body, request, reply }) =>
    signInSecondFactor(deps, body, requestMeta(request), reply),
  );
  registry.public(authRoutes.refresh, ({ body, request }) =>
    refreshSession(deps, body.refreshToken, requestMeta(request)),
  );

  registry.authed(authRoutes.signOut, async ({ auth, request }) => {
    await revokeSessions(deps, { userId: auth.userId, sessionId: auth.sessionId }, 'signed-out');
    await audit(deps, { type: 'signed_out', userId: auth.userId, meta: requestMeta(request) });
    return { message: 'Signed out.' };
  });
  registry.authed(authRoutes.me, async ({ auth }) => {
    const user = await deps.store.findUser(auth.userId);
    if (user === undefined)
      throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
    return meOf(deps, user, auth.authenticatedAt);
  });
  registry.authed(authRoutes.reauthenticate, async ({ auth, body, request }) => {
    const answer = {
      password: body.password,
      passwordField: 'password',
      totpCode: body.totpCode,
      requireSecondFactor: true,
    };
    await confirmIdentity(deps, auth.userId, answer, requestMeta(request));
    const at = nowIso(deps);
    await deps.store.markSessionAuthenticated(auth.sessionId, at);
    return { recentAuthUntil: new Date(Date.parse(at) + deps.limits.recentAuthMs).toISOString() };
  });

  registry.authed(authRoutes.listSessions, async ({ auth }) => {
    const sessions = await deps.store.listSessions(auth.userId, nowIso(deps));
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        deviceName: session.deviceName,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        ip: session.ip,
        userAgent: session.userAgent,
        current: session.id === auth.sessionId,
      })),
    };
  });
  registry.authed(authRoutes.revokeSession, async ({ auth, body, request }) => {
    const revoked = await revokeSessions(
      deps,
      { userId: auth.userId, sessionId: body.sessionId },
      'revoked-by-owner',
    );
    if (revoked.length === 0) throw new AccordError('not_found', 'You have no such session.', 'sessionId');
    const detail = body.sessionId === auth.sessionId ? 'this session' : 'another session';
    await audit(deps, { type: 'session_revoked', userId: auth.userId, meta: requestMeta(request), detail });
    return { message: 'That session was signed out.' };
  });
  registry.authed(authRoutes.revokeOtherSessions, async ({ auth, request }) => {
    const revoked = await revokeSessions(
      deps,
      { userId: auth.userId, exceptSessionId: auth.sessionId },
      'revoked-by-owner',
    );
    if (revoked.length > 0) {
      const detail = `${revoked.length} other sessions`;
      await audit(deps, { type: 'session_revoked', userId: auth.userId, meta: requestMeta(request), detail });
    }
    return { revoked: revoked.length };
  });

  registry.public(authRoutes.requestPasswordReset, ({ body, request, reply }) =>
    requestPasswordReset(deps, body.email, requestMeta(request), reply),
  );
  registry.public(authRoutes.resetPassword, ({ body, request, reply }) =>
    resetPassword(deps, body, requestMeta(request), reply),
  );
  registry.authed(authRoutes.changePassword, ({ auth, body, request }) =>
    changePassword(deps, auth, body, requestMeta(request)),
  );

  registry.authed(authRoutes.setupTwoFactor, ({ auth }) => setupTwoFactor(deps, auth));
  registry.authed(authRoutes.confirmTwoFactor, ({ auth, body, request }) =>
    confirmTwoFactor(deps, auth, body.totpCode, requestMeta(request)),
  );
  registry.authed(authRoutes.disableTwoFactor, ({ auth, body, request }) =>
    disableTwoFactor(deps, auth, body.password, requestMeta(request)),
  );
  registry.authed(authRoutes.regenerateRecoveryCodes, ({ auth, request }) =>
    regenerateRecoveryCodes(deps, auth, requestMeta(request)),
  );
}
