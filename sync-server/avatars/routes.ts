// The avatar endpoints (shared/contract/avatars.ts): owner-authenticated, content-addressed uploads,
// and downloads for whoever may read the owner's avatar field under the directory's projection.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccordError } from '#shared/errors';
import {
  AvatarParams,
  avatarMimeTypes,
  avatarRoutes,
  looksLike,
  MAX_AVATAR_BYTES,
} from '#shared/contract/avatars';
import { authenticate } from '../auth/authenticate.ts';
import type { RouteRegistry } from '../http/routes.ts';
import type { SyncStore } from '../storage/store.ts';
import { directoryDocFor } from '../sync/directory.ts';
import { AvatarBlobStore, sha256Hex } from './blob-store.ts';

export interface AvatarDeps {
  readonly store: SyncStore;
  readonly dataDir: string;
  readonly now: () => number;
}

type AvatarMime = (typeof avatarMimeTypes)[number];

function isAvatarMime(value: string): value is AvatarMime {
  return (avatarMimeTypes as readonly string[]).includes(value);
}

function hashParam(request: FastifyRequest): string {
  const parsed = AvatarParams.safeParse(request.params);
  if (!parsed.success)
    throw new AccordError('validation_failed', 'The path must end in a SHA-256 hex digest.', 'hash');
  return parsed.data.hash;
}

/** Whether `viewerId` may read the avatar `hash` of one of its uploaders right now. */
async function mayRead(
  store: SyncStore,
  hash: string,
  owners: readonly string[],
  viewerId: string,
): Promise<boolean> {
  if (owners.includes(viewerId)) return true;
  for (const ownerId of owners) {
    const [profile, settings, user] = await Promise.all([
      store.getDocument('profiles', ownerId),
      store.getDocument('settings', ownerId),
      store.findUser(ownerId),
    ]);
    const doc = directoryDocFor({ ownerId, seq: 0, profile, settings, status: user?.status }, viewerId);
    const avatar =
      doc?._deleted === false ? (doc.avatar as { hash?: unknown } | null | undefined) : undefined;
    if (avatar?.hash === hash) return true;
  }
  return false;
}

export async function registerAvatarRoutes(
  app: FastifyInstance,
  registry: RouteRegistry,
  deps: AvatarDeps,
): Promise<void> {
  const blobs = new AvatarBlobStore(deps.dataDir);
  registry.contracts.push(avatarRoutes.upload, avatarRoutes.download);
  // Image bodies are accepted on these routes only: an encapsulated scope keeps the parser here.
  await app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      [...avatarMimeTypes],
      { parseAs: 'buffer', bodyLimit: MAX_AVATAR_BYTES },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );

    scope.route({
      method: avatarRoutes.upload.method,
      url: avatarRoutes.upload.path,
      bodyLimit: MAX_AVATAR_BYTES,
      handler: async (request, reply) => {
        const auth = await authenticate(deps.store, request, deps.now);
        const hash = hashParam(request);
        const mime = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        const body: unknown = request.body;
        if (!isAvatarMime(mime) || !Buffer.isBuffer(body)) {
          throw new AccordError('unsupported_media_type', `Send the image as ${avatarMimeTypes.join(', ')}.`);
        }
        if (body.byteLength === 0) throw new AccordError('invalid_value', 'The image is empty.');
        if (!looksLike(mime, body)) {
          throw new AccordError('invalid_value', `The bytes are not a ${mime} image.`, 'content-type');
        }
        if (sha256Hex(body) !== hash) {
          throw new AccordError('invalid_value', 'The SHA-256 of the bytes does not match the path.', 'hash');
        }
        const record = await blobs.save(hash, mime, body, auth.userId);
        return reply.code(200).send({ hash, mime: record.mime, size: record.size });
      },
    });

    scope.route({
      method: avatarRoutes.download.method,
      url: avatarRoutes.download.path,
      handler: async (request, reply) => {
        const auth = await authenticate(deps.store, request, deps.now);
        const hash = hashParam(request);
        const record = await blobs.record(hash);
        if (record === undefined || !(await mayRead(deps.store, hash, record.owners, auth.userId))) {
          throw new AccordError('not_found', 'No such image, or not one you may see.');
        }
        const bytes = await blobs.read(hash);
        return reply
          .code(200)
          .type(record.mime)
          .header('cache-control', 'private, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'")
          .send(bytes);
      },
    });
    done();
  });
}
