// Routes that answer with a file (a zip archive, a streamed export) go through the registry like
// every other route, so they share its authentication, role check and input validation. Fastify
// sends a stream or a Buffer as it is, without JSON serialisation; the contract's response schema
// (a string) documents the body. The registry's handler type expects that schema's type, hence
// this one, documented conversion.
import type { Readable } from 'node:stream';

export function fileBody(payload: Readable | Buffer): never {
  return payload as never;
}
