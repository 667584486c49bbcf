// Small JSON-over-HTTP helpers for benchmark clients (loopback only), with a bounded wait on each call.
import type { z } from 'zod';

export interface Caller {
  readonly baseUrl: string;
  readonly token: string;
}

export async function callJson<S extends z.ZodType>(
  caller: Caller,
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<z.infer<S>> {
  const response = await fetch(`${caller.baseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${caller.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const payload: unknown = await response.json();
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(payload)}`);
  return schema.parse(payload);
}
