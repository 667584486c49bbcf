// Resolves the caller of a request from its bearer token; every protected route goes through here.
import type { FastifyRequest } from 'fastify';
import { AccordError } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import type { SyncStore } from '../storage/store.ts';
import { bearerToken, hashToken } from './tokens.ts';

export interface AuthContext {
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
}

export async function authenticate(
  store: SyncStore,
  request: FastifyRequest,
  now: () => number,
): Promise<AuthContext> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined)
    throw new AccordError('unauthenticated', 'Sign in first: this needs an access token.');
  const session = await store.findSessionByTokenHash(hashToken(token));
  if (session === undefined || Date.parse(session.expiresAt) <= now()) {
    throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  }
  const user = await store.findUser(session.userId);
  if (user === undefined) throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
  if (user.status === 'suspended') {
    throw new AccordError('account_suspended', 'This account is suspended; contact an administrator.');
  }
  if (user.status === 'pending-deletion') {
    throw new AccordError('forbidden', 'This account is scheduled for deletion; sign in to restore it.');
  }
  return { userId: user.id, role: user.role, sessionId: session.id };
}
