// Personal access tokens for integrations: scoped, shown once, stored hashed, revocable, accepted
// only by the read-only integration API; their metadata syncs to devices in the settings document.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccessTokenInfo } from '#shared/contract/auth';
import { AccordError } from '#shared/errors';
import type { Role } from '#shared/policy/field';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument, type AnyDoc } from '#shared/policy/table';
import {
  assertAccountUsable,
  authenticate,
  isPersonalToken,
  PERSONAL_TOKEN_PREFIX,
} from '../auth/authenticate.ts';
import type { AuthContext } from '../auth/authenticate.ts';
import { bearerToken, hashToken, newToken } from '../auth/tokens.ts';
import type { AccessTokenRecord, TokenScope } from '../storage/store.ts';
import { audit } from './audit.ts';
import { nowIso, type AccountDeps, type RequestMeta } from './context.ts';

type TokenInfo = z.infer<typeof AccessTokenInfo>;

function infoOf(token: AccessTokenRecord): TokenInfo {
  return {
    id: token.id,
    name: token.name,
    scopes: [...token.scopes],
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
  };
}

/** Rewrites the settings document's `accessTokens` field from the table (server value, server clock). */
export async function syncTokenMetadata(deps: AccountDeps, userId: string): Promise<void> {
  const tokens = (await deps.store.listAccessTokens(userId)).map(infoOf);
  await deps.store.writeDocument('settings', userId, (current) => {
    if (current?.deleted === true) return { result: undefined };
    const base: AnyDoc = current === undefined ? newDocument('settings', userId) : current.data;
    const data = applyLocalEdit('settings', base, { accessTokens: tokens }, () => deps.clock.now());
    if (data.clocks['accessTokens'] === base.clocks['accessTokens']) return { result: undefined };
    return { write: { data, deleted: false, ownerId: userId }, result: undefined };
  });
}

export async function createAccessToken(
  deps: AccountDeps,
  auth: AuthContext,
  request: { name: string; scopes: readonly TokenScope[] },
  meta: RequestMeta,
): Promise<{ token: string; info: TokenInfo }> {
  const existing = await deps.store.listAccessTokens(auth.userId);
  if (existing.length >= deps.limits.maxAccessTokens) {
    throw new AccordError(
      'conflict',
      `You have ${existing.length} tokens; revoke one before creating another.`,
    );
  }
  const token = newToken(PERSONAL_TOKEN_PREFIX);
  const record: AccessTokenRecord = {
    id: randomUUID(),
    userId: auth.userId,
    name: request.name,
    scopes: [...new Set(request.scopes)],
    createdAt: nowIso(deps),
    lastUsedAt: null,
  };
  await deps.store.createAccessToken({ ...record, tokenHash: hashToken(token) });
  await syncTokenMetadata(deps, auth.userId);
  await audit(deps, { type: 'token_created', userId: auth.userId, meta, detail: record.scopes.join(' ') });
  return { token, info: infoOf(record) };
}

export async function listAccessTokens(deps: AccountDeps, auth: AuthContext): Promise<TokenInfo[]> {
  return (await deps.store.listAccessTokens(auth.userId)).map(infoOf);
}

export async function revokeAccessToken(
  deps: AccountDeps,
  auth: AuthContext,
  tokenId: string,
  meta: RequestMeta,
): Promise<{ message: string }> {
  if (!(await deps.store.revokeAccessToken(auth.userId, tokenId, nowIso(deps)))) {
    throw new AccordError('not_found', 'You have no such token.', 'tokenId');
  }
  await syncTokenMetadata(deps, auth.userId);
  await audit(deps, { type: 'token_revoked', userId: auth.userId, meta });
  return { message: 'The token no longer works.' };
}

export interface IntegrationAuth {
  readonly userId: string;
  readonly role: Role;
  readonly via: 'session' | 'token';
}

/**
 * The integration API accepts a signed-in session or a personal access token carrying `scope`;
 * the session check itself stays in authenticate().
 */
export async function authenticateIntegration(
  deps: AccountDeps,
  request: FastifyRequest,
  scope: TokenScope,
): Promise<IntegrationAuth> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined || !isPersonalToken(token)) {
    const auth = await authenticate(deps.store, request, deps.now);
    return { userId: auth.userId, role: auth.role, via: 'session' };
  }
  const record = await deps.store.findAccessTokenByHash(hashToken(token));
  const user = record && (await deps.store.findUser(record.userId));
  if (record === undefined || user === undefined) {
    throw new AccordError('unauthenticated', 'This token is unknown or was revoked.');
  }
  assertAccountUsable(user);
  if (!record.scopes.includes(scope)) {
    throw new AccordError('insufficient_scope', `This token lacks the ${scope} scope.`);
  }
  const at = nowIso(deps);
  const stale = new Date(deps.now() - deps.limits.tokenLastUseResolutionMs).toISOString();
  if (await deps.store.touchAccessToken(record.id, at, stale)) await syncTokenMetadata(deps, user.id);
  return { userId: user.id, role: user.role, via: 'token' };
}
