// The avatar blob contract: images are content-addressed by their SHA-256, uploaded by their owner
// and readable by anyone who may see the owner's avatar field (the profile holds only the reference).
import { z } from 'zod';
import { AvatarRef, avatarMimeTypes, MAX_AVATAR_BYTES } from '../entities/values.ts';
import { authErrors, defineRoute } from './route.ts';

export const AvatarHash = z.string().regex(/^[a-f0-9]{64}$/, 'expected a SHA-256 hex digest');
export const AvatarParams = z.object({ hash: AvatarHash });
export { avatarMimeTypes, MAX_AVATAR_BYTES };

export const avatarRoutes = {
  upload: defineRoute({
    method: 'PUT',
    path: '/api/avatars/:hash',
    auth: 'session',
    tags: ['avatars'],
    summary: 'Upload an avatar image; the path is the SHA-256 of the bytes',
    description:
      `The body is the raw image (Content-Type ${avatarMimeTypes.join(', ')}; at most ${MAX_AVATAR_BYTES} bytes). ` +
      'The server checks the digest, the size and that the bytes are of the declared type. Uploading the same ' +
      'image again is harmless. Point your profile `avatar` field at the returned reference to use it.',
    responses: { 200: AvatarRef },
    errors: {
      ...authErrors,
      400: 'The digest does not match the bytes, or the bytes are not an image of the declared type.',
      413: 'The image is larger than the limit.',
      415: 'The Content-Type is not an accepted image type.',
    },
  }),
  download: defineRoute({
    method: 'GET',
    path: '/api/avatars/:hash',
    auth: 'session',
    tags: ['avatars'],
    summary: 'Download an avatar image',
    description:
      'Answers with the image bytes when the caller owns it or may read the avatar field of a profile that ' +
      'currently points at it (the same rule as the directory). Otherwise 404, whether or not it exists.',
    responses: { 200: z.string().describe('the image bytes') },
    errors: { ...authErrors, 404: 'No such image, or not one you may see.' },
  }),
} as const;

export function avatarPath(hash: string): string {
  return avatarRoutes.download.path.replace(':hash', AvatarHash.parse(hash));
}

/** Whether `bytes` start like an image of `mime` (magic numbers; never trust the declared type alone). */
export function looksLike(mime: (typeof avatarMimeTypes)[number], bytes: Uint8Array): boolean {
  const at = (offset: number, ...expected: number[]) =>
    expected.every((byte, i) => bytes[offset + i] === byte);
  switch (mime) {
    case 'image/png':
      return at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return at(0, 0xff, 0xd8, 0xff);
    case 'image/webp':
      return at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50);
  }
}
