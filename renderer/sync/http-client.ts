// The client side of the HTTP contract: typed calls, bearer auth, and responses parsed at the boundary.
import type { z } from 'zod';
import { AccordError, ErrorBody } from '#shared/errors';

export interface SyncEndpoint {
  /** Server origin, e.g. http://127.0.0.1:8787 */
  readonly baseUrl: string;
  /** The current access token, or undefined when signed out. */
  readonly accessToken: () => string | undefined;
  /** Injectable for tests (a delaying or duplicating proxy); defaults to global fetch. */
  readonly fetch?: typeof fetch;
}

/** Sends a request and parses the JSON answer with `schema`; an error body becomes an AccordError. */
export async function requestJson<S extends z.ZodType>(
  endpoint: SyncEndpoint,
  path: string,
  schema: S,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<z.infer<S>> {
  const doFetch = endpoint.fetch ?? fetch;
  const token = endpoint.accessToken();
  const response = await doFetch(`${endpoint.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toError(response.status, payload);
  return schema.parse(payload);
}

export function toError(status: number, payload: unknown): AccordError {
  const parsed = ErrorBody.safeParse(payload);
  if (parsed.success)
    return new AccordError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.field);
  return new AccordError(status >= 500 ? 'internal' : 'bad_request', `The server answered ${status}.`);
}
