// Logger options: structured pino logs that never carry credentials or document contents.
import type { FastifyServerOptions } from 'fastify';

/** Paths redacted from every log line: credentials in headers, and any body we might log. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-refresh-token"]',
  'res.headers["set-cookie"]',
  'body',
  'password',
  'token',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      // Only method, path without the query string and the caller's address: never query values.
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        path: request.url.split('?')[0],
        ip: request.ip,
      }),
    },
  };
}
