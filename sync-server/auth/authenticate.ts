// Resolves the caller of a request from its access token; every session-protected route (sync and
// account) goes through here, and only here, so one check decides who is signed in.
import type { FastifyRequest } from 'fastify';
import { AccordError } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import { requestMeta } from '../accounts/context.ts';
import type { SessionRecord, SyncStore, UserRecord } from '../storage/store.ts';
import { bearerToken, hashToken } from './tokens.ts';

export interface AuthContext {
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
  /** Last sign-in or re-authentication of this session: gates sensitive actions. */
  readonly authenticatedAt: string;
}

/** Last-seen time and address are written at most this often per session, not on every request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Personal access tokens are `pat_…`; they are accepted only by the integration API. */
export const PERSONAL_TOKEN_PREFIX = 'pat';

export function isPersonalToken(token: string): boolean {
  return token.startsWith(`${PERSONAL_TOKEN_PREFIX}_`);
}

const ended = () => new AccordError('unauthenticated', 'Your session has ended; sign in again.');

/** 403 for an account that may not act now; the same rule for sessions and personal tokens. */
export function assertAccountUsable(user: UserRecord): void {
  if (user.status === 'suspended') {
    throw new AccordError('account_suspended', 'This account is suspended; contact an administrator.');
  }
  if (user.status === 'pending-deletion') {
    throw new AccordError(
      'account_pending_deletion',
      'This account is scheduled for deletion; sign in to restore it.',
    );
  }
  if (!user.emailVerified) throw new AccordError('email_not_verified', 'Confirm your email address first.');
}

export function sessionIsLive(session: SessionRecord, now: number): boolean {
  return session.revokedAt === null && Date.parse(session.expiresAt) > now;
}

export async function authenticate(
  store: SyncStore,
  request: FastifyRequest,
  now: () => number,
): Promise<AuthContext> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) {
    throw new AccordError('unauthenticated', 'Sign in first: this needs an access token.');
  }
  if (isPersonalToken(token)) {
    throw new AccordError(
      'unauthenticated',
      'Personal access tokens work only on the integration API (/api/v1); sign in for this.',
    );
  }
  const at = now();
  const grant = await store.findSessionByToken(hashToken(token), 'access');
  if (grant === undefined || Date.parse(grant.tokenExpiresAt) <= at || !sessionIsLive(grant.session, at)) {
    throw ended();
  }
  const { session } = grant;
  // Read on every request, so suspension and deletion take effect at once.
  const user = await store.findUser(session.userId);
  if (user === undefined) throw ended();
  assertAccountUsable(user);
  if (at - Date.parse(session.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS) {
    await store.touchSession(
      session.id,
      { at: new Date(at).toISOString(), ...requestMeta(request) },
      new Date(at - LAST_SEEN_RESOLUTION_MS).toISOString(),
    );
  }
  return {
    userId: user.id,
    role: user.role,
    sessionId: session.id,
    authenticatedAt: session.authenticatedAt,
  };
}

/** For open streams: whether the session behind `auth` and its account may still receive data. */
export async function stillAuthorized(
  store: SyncStore,
  auth: AuthContext,
  now: () => number,
): Promise<boolean> {
  const [session, user] = await Promise.all([store.findSession(auth.sessionId), store.findUser(auth.userId)]);
  if (session === undefined || user === undefined || !sessionIsLive(session, now())) return false;
  return user.status === 'active' && user.emailVerified;
}
