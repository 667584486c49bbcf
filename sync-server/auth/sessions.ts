// Session issuance: an opaque access token whose hash is stored with the session row.
import { randomUUID } from 'node:crypto';
import type { SyncStore } from '../storage/store.ts';
import { hashToken, newToken } from './tokens.ts';

export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedSession {
  readonly sessionId: string;
  readonly accessToken: string;
  readonly expiresAt: string;
}

export async function issueSession(
  store: SyncStore,
  userId: string,
  now: Date,
  ttlMs = DEFAULT_SESSION_TTL_MS,
): Promise<IssuedSession> {
  const sessionId = randomUUID();
  const accessToken = newToken('acc');
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await store.createSession({
    id: sessionId,
    userId,
    tokenHash: hashToken(accessToken),
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { sessionId, accessToken, expiresAt };
}
