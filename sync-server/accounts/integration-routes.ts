// The read-only integration API (/api/v1): profile, settings and directory for a session or a
// personal access token with the route's scope; values only, no clocks or removed entries.
import { integrationRoutes } from '#shared/contract/integrations';
import { AccordError } from '#shared/errors';
import { policyOf, type AnyDoc, type EntityName } from '#shared/policy/table';
import type { RouteRegistry } from '../http/routes.ts';
import type { SyncedCollection } from '../storage/store.ts';
import { pullDirectory } from '../sync/pull.ts';
import { authenticateIntegration } from './access-tokens.ts';
import type { AccountDeps } from './context.ts';

/** A document's values as an integration sees them: no clocks, set fields without tombstones. */
function valuesOf(entity: EntityName, doc: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (name === 'clocks' || name === '_deleted') continue;
    out[name] =
      policyOf(entity, name)?.merge === 'set' && Array.isArray(value)
        ? value.filter((entry: unknown) => (entry as { removed?: unknown }).removed !== true)
        : value;
  }
  return out;
}

async function ownDocument(deps: AccountDeps, collection: SyncedCollection, userId: string): Promise<AnyDoc> {
  const stored = await deps.store.getDocument(collection, userId);
  if (stored === undefined || stored.deleted)
    throw new AccordError('not_found', 'Nothing is stored for you yet.');
  return stored.data;
}

function parseCursor(cursor: string | undefined): { seq: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [seq = '0', id = ''] = cursor.split(':');
  return { seq: Number(seq), id };
}

export function registerIntegrationRoutes(registry: RouteRegistry, deps: AccountDeps): void {
  const { profile, settings, directory } = integrationRoutes;
  registry.withAuthenticator(
    profile,
    (request) => authenticateIntegration(deps, request, profile.scope),
    async ({ auth }) => valuesOf('profile', await ownDocument(deps, 'profiles', auth.userId)) as never,
  );
  registry.withAuthenticator(
    settings,
    (request) => authenticateIntegration(deps, request, settings.scope),
    async ({ auth }) => valuesOf('settings', await ownDocument(deps, 'settings', auth.userId)) as never,
  );
  registry.withAuthenticator(
    directory,
    (request) => authenticateIntegration(deps, request, directory.scope),
    async ({ auth, query }) => {
      const page = await pullDirectory(deps.store, auth.userId, parseCursor(query.cursor), query.limit);
      const more = page.documents.length === query.limit && page.checkpoint !== null;
      return {
        // Projection already removed what the viewer may not see; tombstones are simply absent here.
        people: page.documents
          .filter((doc) => !doc._deleted)
          .map((doc) => ({ id: doc.id, ...valuesOf('profile', doc) })),
        nextCursor: more && page.checkpoint !== null ? `${page.checkpoint.seq}:${page.checkpoint.id}` : null,
      };
    },
  );
}
