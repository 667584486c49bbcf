// A route contract: method, path, who may call it, and zod schemas for request and responses.
// Server handlers, client calls and the OpenAPI document are all typed from these entries.
import type { z } from 'zod';
import { ErrorBody } from '../errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `none`: anyone; `session`: a signed-in user's access token; `admin`: an admin's session. */
export type RouteAuth = 'none' | 'session' | 'admin';

export interface RouteContract {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: RouteAuth;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** Success responses by status code. */
  readonly responses: Readonly<Record<number, z.ZodType>>;
  /** Error statuses this route can answer with, and when. */
  readonly errors: Readonly<Record<number, string>>;
  /** Server-Sent Events instead of a JSON body. */
  readonly stream?: true;
}

export function defineRoute<const R extends RouteContract>(route: R): R {
  return route;
}

/** Errors any route may answer with, in addition to its own. */
export const commonErrors = {
  400: 'The request is malformed or fails validation.',
  413: 'The body is larger than the server accepts.',
  415: 'The body is not JSON.',
  429: 'Too many requests; retry after the time in the Retry-After header.',
} as const;

export const authErrors = {
  401: 'Missing, expired or revoked access token.',
  403: 'The account is suspended or the caller may not do this.',
} as const;

export { ErrorBody };

export type BodyOf<R extends RouteContract> = R['body'] extends z.ZodType ? z.infer<R['body']> : undefined;
export type QueryOf<R extends RouteContract> = R['query'] extends z.ZodType ? z.input<R['query']> : undefined;
export type ResponseOf<R extends RouteContract> = {
  [S in keyof R['responses']]: R['responses'][S] extends z.ZodType ? z.infer<R['responses'][S]> : never;
}[keyof R['responses']];
