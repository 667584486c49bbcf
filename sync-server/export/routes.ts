// Wires the portability contract (shared/contract/portability.ts): "download my data" answers with
// a zip archive after a recent sign-in or re-authentication, and is recorded as `data_exported`.
import { portabilityRoutes } from '#shared/contract/portability';
import { AccordError } from '#shared/errors';
import { audit } from '../accounts/audit.ts';
import { requestMeta, type AccountDeps } from '../accounts/context.ts';
import { requireRecentAuth } from '../accounts/sessions.ts';
import type { RouteRegistry } from '../http/routes.ts';
import { buildPersonalArchive } from './personal-archive.ts';
import { fileBody } from './file-body.ts';

export function registerPortabilityRoutes(registry: RouteRegistry, deps: AccountDeps): void {
  registry.authed(portabilityRoutes.downloadMyData, async ({ auth, request, reply }) => {
    requireRecentAuth(deps, auth.authenticatedAt);
    const user = await deps.store.findUser(auth.userId);
    if (user === undefined)
      throw new AccordError('unauthenticated', 'Your session has ended; sign in again.');
    const archive = await buildPersonalArchive(
      { store: deps.store, now: deps.now, dataDir: deps.config.dataDir },
      user,
    );
    await audit(deps, {
      type: 'data_exported',
      userId: user.id,
      meta: requestMeta(request),
      detail: `archive of ${archive.files.length} files, ${archive.bytes.byteLength} bytes`,
    });
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="accord-data-${day}.zip"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff');
    return fileBody(Buffer.from(archive.bytes.buffer, archive.bytes.byteOffset, archive.bytes.byteLength));
  });
}
