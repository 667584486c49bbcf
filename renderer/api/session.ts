// The signed-in session of one account: a short-lived access token in memory and a rotating
// refresh token kept through the bridge's credential store, so sign-in survives a restart.
import { BehaviorSubject } from 'rxjs';
import { authRoutes, type SessionTokens } from '#shared/contract/auth';
import { AccordError, ErrorBody } from '#shared/errors';
import { invoke } from '../platform/bridge.ts';
import { callRoute, OfflineError, type ApiClient } from './call-route.ts';

/** `active`: tokens work; `expired`: the server refused them, sign in again; `pending`: not yet known. */
export type SessionStatus = 'pending' | 'active' | 'expired';

/** Refresh this long before the access token runs out, so requests rarely meet a 401. */
const REFRESH_MARGIN_MS = 30_000;

async function needsReauthentication(response: Response): Promise<boolean> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  const parsed = ErrorBody.safeParse(body);
  return parsed.success && parsed.data.error.code === 'reauthentication_required';
}

export function refreshKey(userId: string): string {
  return `refresh:${userId}`;
}

export class Session {
  readonly status$ = new BehaviorSubject<SessionStatus>('pending');
  /** Why the session ended, shown next to "sign in again". */
  expiredReason: string | undefined;
  private accessToken: string | undefined;
  private accessExpiresAt = 0;
  private refreshToken: string | undefined;
  private refreshing: Promise<SessionStatus | 'offline'> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private endedHere = false;

  constructor(
    readonly userId: string,
    readonly baseUrl: string,
    private readonly rawFetch: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** An API client without credentials (sign-in, refresh, registration). */
  get anonymous(): ApiClient {
    return { baseUrl: this.baseUrl, fetch: this.rawFetch };
  }

  /** An API client that sends the access token and refreshes it once on a 401. */
  get client(): ApiClient {
    return { baseUrl: this.baseUrl, fetch: this.fetch };
  }

  currentAccessToken(): string | undefined {
    return this.status$.value === 'expired' ? undefined : this.accessToken;
  }

  /** Adopts tokens from sign-in or refresh and stores the refresh token for the next start. */
  async adopt(tokens: SessionTokens): Promise<void> {
    this.accessToken = tokens.accessToken;
    this.accessExpiresAt = Date.parse(tokens.accessTokenExpiresAt);
    this.refreshToken = tokens.refreshToken;
    this.expiredReason = undefined;
    this.endedHere = false;
    this.status$.next('active');
    this.schedule();
    await invoke('credentials:set', { key: refreshKey(this.userId), secret: tokens.refreshToken }).catch(
      () => undefined,
    );
  }

  /** On start: loads the stored refresh token and trades it for fresh tokens when online. */
  async resume(): Promise<SessionStatus | 'offline'> {
    const stored = await invoke('credentials:get', { key: refreshKey(this.userId) }).catch(() => ({
      secret: null,
    }));
    if (stored.secret === null) {
      this.expire('Sign in to sync this account.');
      return 'expired';
    }
    this.refreshToken = stored.secret;
    return this.refresh();
  }

  /** Trades the refresh token for new tokens; one request at a time (the old token stops working). */
  refresh(): Promise<SessionStatus | 'offline'> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<SessionStatus | 'offline'> {
    const refreshToken = this.refreshToken;
    if (refreshToken === undefined) {
      this.expire('Sign in to sync this account.');
      return 'expired';
    }
    try {
      const tokens = await callRoute(this.anonymous, authRoutes.refresh, { body: { refreshToken } });
      if (this.closed) return 'active';
      await this.adopt(tokens);
      return 'active';
    } catch (error) {
      if (error instanceof OfflineError) return 'offline';
      if (error instanceof AccordError && error.code !== 'internal' && error.code !== 'rate_limited') {
        this.expire(
          'Your sign-in has expired. Your changes are kept on this device; sign in again to sync them.',
        );
        return 'expired';
      }
      return 'offline';
    }
  }

  /** True when this device ended the session on purpose (account deletion): nothing to sign in again for. */
  get endedOnPurpose(): boolean {
    return this.endedHere;
  }

  /** Marks the session over because of something done on this device, e.g. scheduling deletion. */
  endHere(reason: string): void {
    this.endedHere = true;
    this.expire(reason);
  }

  private expire(reason: string): void {
    this.accessToken = undefined;
    this.expiredReason = reason;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.status$.next('expired');
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const wait = Math.max(5_000, this.accessExpiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.timer = setTimeout(
      () => {
        void this.refresh();
      },
      Math.min(wait, 2 ** 31 - 1),
    );
  }

  /** fetch with the bearer token; a 401 triggers one refresh and one retry. */
  readonly fetch: typeof fetch = async (input, init) => {
    if (this.status$.value === 'active' && Date.now() > this.accessExpiresAt - REFRESH_MARGIN_MS) {
      await this.refresh();
    }
    const send = (token: string | undefined) => {
      const headers = new Headers(init?.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return this.rawFetch(input, { ...init, headers });
    };
    const response = await send(this.currentAccessToken());
    if (response.status !== 401 || this.status$.value === 'expired') return response;
    // "Confirm your password" is not an expired token: refreshing would not help.
    if (await needsReauthentication(response)) return response;
    const outcome = await this.refresh();
    return outcome === 'active' ? send(this.currentAccessToken()) : response;
  };

  /** Ends the session on the server (best effort) and forgets the tokens on this device. */
  async signOut(): Promise<void> {
    if (this.accessToken !== undefined) {
      await callRoute(this.client, authRoutes.signOut, {}).catch(() => undefined);
    }
    await this.forget();
  }

  /** Forgets the tokens on this device without calling the server. */
  async forget(): Promise<void> {
    this.close();
    this.accessToken = undefined;
    this.refreshToken = undefined;
    await invoke('credentials:delete', { key: refreshKey(this.userId) }).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
