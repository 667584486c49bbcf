// Sessions: a short-lived access token and a rotating refresh token per device, both opaque random
// strings stored only as hashes; a refresh token presented twice ends its whole session.
import { randomUUID } from 'node:crypto';
import type { SessionTokens } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import { sessionIsLive } from '../auth/authenticate.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { NewSessionToken, SessionSelector } from '../storage/store.ts';
import { audit } from './audit.ts';
import { hasPassed, isoIn, nowIso, type AccountDeps, type RequestMeta } from './context.ts';
import type { AccountLimits } from './limits.ts';

export const ACCESS_TOKEN_PREFIX = 'acc';
export const REFRESH_TOKEN_PREFIX = 'ref';

type SessionDeps = Pick<AccountDeps, 'store' | 'now' | 'limits' | 'revocations'>;

function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** A new access and refresh token for a session; the refresh token never outlives the session. */
function tokenPair(
  deps: Pick<AccountDeps, 'now' | 'limits'>,
  session: { id: string; userId: string; expiresAt: string },
): { tokens: SessionTokens; rows: NewSessionToken[] } {
  const accessToken = newToken(ACCESS_TOKEN_PREFIX);
  const refreshToken = newToken(REFRESH_TOKEN_PREFIX);
  const createdAt = nowIso(deps);
  const accessTokenExpiresAt = earlier(isoIn(deps, deps.limits.accessTokenTtlMs), session.expiresAt);
  const refreshTokenExpiresAt = earlier(isoIn(deps, deps.limits.refreshTokenIdleMs), session.expiresAt);
  const row = { sessionId: session.id, createdAt };
  return {
    tokens: {
      userId: session.userId,
      sessionId: session.id,
      accessToken,
      accessTokenExpiresAt,
      refreshToken,
      refreshTokenExpiresAt,
    },
    rows: [
      { ...row, tokenHash: hashToken(accessToken), kind: 'access', expiresAt: accessTokenExpiresAt },
      { ...row, tokenHash: hashToken(refreshToken), kind: 'refresh', expiresAt: refreshTokenExpiresAt },
    ],
  };
}

/** Signs a device in: a new session family with its first pair of tokens. */
export async function startSession(
  deps: Pick<AccountDeps, 'store' | 'now' | 'limits'>,
  userId: string,
  deviceName: string,
  meta: RequestMeta,
): Promise<SessionTokens> {
  const session = {
    id: randomUUID(),
    userId,
    deviceName,
    createdAt: nowIso(deps),
    expiresAt: isoIn(deps, deps.limits.sessionMaxMs),
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  const { tokens, rows } = tokenPair(deps, session);
  await deps.store.createSession(session, rows);
  return tokens;
}

const ended = () => new AccordError('unauthenticated', 'Your session has ended; sign in again.');

/** Rotates a refresh token. Reuse of a rotated one revokes the session: one of the two copies was stolen. */
export async function refreshSession(
  deps: AccountDeps,
  refreshToken: string,
  meta: RequestMeta,
): Promise<SessionTokens> {
  const tokenHash = hashToken(refreshToken);
  // Status first, without using the token up: a device that retries while its account is
  // suspended must still hold a fresh refresh token once the account is reinstated.
  const grant = await deps.store.findSessionByToken(tokenHash, 'refresh');
  if (grant === undefined) throw ended();
  const user = await deps.store.findUser(grant.session.userId);
  if (user === undefined) throw ended();
  if (user.status === 'suspended') {
    throw new AccordError('account_suspended', 'This account is suspended; contact an administrator.');
  }
  const use = await deps.store.useRefreshToken(tokenHash, nowIso(deps));
  if (use.outcome === 'unknown') throw ended();
  if (use.outcome === 'reused') {
    const revoked = await revokeSessions(
      deps,
      { userId: use.session.userId, sessionId: use.session.id },
      'refresh-token-reused',
    );
    if (revoked.length > 0) {
      await audit(deps, {
        type: 'refresh_token_reused',
        userId: use.session.userId,
        meta,
        detail: 'session revoked',
      });
    }
    throw new AccordError(
      'unauthenticated',
      'This sign-in was used from two places, so it was ended; sign in again.',
    );
  }
  const { session } = use;
  if (!sessionIsLive(session, deps.now()) || hasPassed(deps, use.tokenExpiresAt)) throw ended();
  if (user.status !== 'active' || !user.emailVerified) throw ended();
  const { tokens, rows } = tokenPair(deps, session);
  await deps.store.addSessionTokens(rows);
  await deps.store.touchSession(session.id, { at: nowIso(deps), ...meta }, nowIso(deps));
  return tokens;
}

/** Revokes sessions and tells open streams of this process to end now. */
export async function revokeSessions(
  deps: Pick<SessionDeps, 'store' | 'now' | 'revocations'>,
  selector: SessionSelector,
  reason: string,
): Promise<string[]> {
  const sessionIds = await deps.store.revokeSessions(selector, nowIso(deps), reason);
  if (sessionIds.length > 0) deps.revocations.emit({ kind: 'sessions', sessionIds });
  return sessionIds;
}

/** Until when a session may do sensitive things without entering the password again. */
export function recentAuthUntil(
  deps: { readonly now: () => number; readonly limits: Pick<AccountLimits, 'recentAuthMs'> },
  authenticatedAt: string,
): string | null {
  const until = Date.parse(authenticatedAt) + deps.limits.recentAuthMs;
  return until > deps.now() ? new Date(until).toISOString() : null;
}

/** 401 `reauthentication_required` unless the session signed in or re-authenticated recently. */
export function requireRecentAuth(
  deps: { readonly now: () => number; readonly limits: Pick<AccountLimits, 'recentAuthMs'> },
  authenticatedAt: string,
): void {
  if (recentAuthUntil(deps, authenticatedAt) === null) {
    throw new AccordError(
      'reauthentication_required',
      'For your security, confirm your password first (this action needs a recent sign-in).',
    );
  }
}
