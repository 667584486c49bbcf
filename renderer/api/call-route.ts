// Typed calls derived from the shared HTTP contract: path, method, body, query and response schemas
// all come from the route entry, so a client call cannot drift from the server.
import type { z } from 'zod';
import { AccordError } from '#shared/errors';
import type { BodyOf, QueryOf, ResponseOf, RouteContract } from '#shared/contract/route';
import { toError } from '../sync/http-client.ts';

/** Where requests go and how they are sent (the session adds the bearer token and refreshes it). */
export interface ApiClient {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
}

type Params<R extends RouteContract> = R['path'] extends `${string}:${string}`
  ? { readonly params: Readonly<Record<string, string>> }
  : { readonly params?: undefined };
type Body<R extends RouteContract> = R['body'] extends z.ZodType
  ? { readonly body: BodyOf<R> }
  : { readonly body?: undefined };
type Query<R extends RouteContract> = R['query'] extends z.ZodType
  ? { readonly query?: QueryOf<R> }
  : { readonly query?: undefined };

export type RouteInput<R extends RouteContract> = Params<R> & Body<R> & Query<R>;

export function routePath(path: string, params: Readonly<Record<string, string>> | undefined): string {
  return path.replace(/:([A-Za-z_]+)/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: Readonly<Record<string, unknown>> | undefined): string {
  if (query === undefined) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Calls `route` and returns its parsed success body; an error answer throws an AccordError. */
export async function callRoute<R extends RouteContract>(
  client: ApiClient,
  route: R,
  input: RouteInput<R>,
  signal?: AbortSignal,
): Promise<ResponseOf<R>> {
  const url = `${client.baseUrl}${routePath(route.path, input.params)}${queryString(
    input.query as Readonly<Record<string, unknown>> | undefined,
  )}`;
  const hasBody = route.body !== undefined || route.method === 'POST';
  let response: Response;
  try {
    response = await client.fetch(url, {
      method: route.method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(input.body ?? {}) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof AccordError) throw error;
    throw new OfflineError();
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toError(response.status, payload);
  const schema = route.responses[response.status];
  if (schema === undefined) throw new AccordError('internal', `Unexpected answer ${response.status}.`);
  return schema.parse(payload) as ResponseOf<R>;
}

/** The request never reached the server (no network, server down). */
export class OfflineError extends Error {
  override readonly name = 'OfflineError';
  constructor() {
    super('You appear to be offline; try again when the connection is back.');
  }
}

/** A message for any failure of a call, fit to show next to a form. */
export function messageOf(error: unknown): string {
  if (error instanceof AccordError || error instanceof OfflineError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
